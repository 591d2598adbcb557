# The Carbon Aware SDK's JSON shape for the drop-in benches (sdk-drop-in.sh, sdk-vs-wattbit.sh): 10 Azure-like
# locations x 7 days of 5-minute points (20,160 points) in {"Emissions":[{Location, Time, Rating, Duration}]}, and a
# location file naming each. Usage: python3 sdk-data.py OUT_DIR (writes emissions.json and regions.json there).
import datetime as dt, json, sys
locs = ["eastus", "westus", "westeurope", "northeurope", "uksouth", "japaneast", "japanwest", "australiaeast", "brazilsouth", "centralindia"]
t0 = dt.datetime(2022, 1, 1, tzinfo=dt.timezone.utc)
pts = [{"Location": l, "Time": (t0 + dt.timedelta(minutes=5 * k)).isoformat(), "Rating": round(200 + 150 * ((k * 37 + i * 11) % 97) / 97, 3), "Duration": "00:05:00"}
       for i, l in enumerate(locs) for k in range(7 * 288)]
json.dump({"Emissions": pts}, open(sys.argv[1] + "/emissions.json", "w"))
json.dump({l: {"Latitude": 35.0 + i, "Longitude": 139.0 + i, "Name": l} for i, l in enumerate(locs)}, open(sys.argv[1] + "/regions.json", "w"))
