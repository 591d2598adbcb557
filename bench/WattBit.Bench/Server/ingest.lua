-- wrk script: PUT one 30-min carbon value per request for the TK area, walking forward one slot per request so every
-- request is a real upsert (new row) rather than a no-op rewrite. The key comes from the WATTBIT_KEY environment variable.
-- WATTBIT_INGEST_YEAR (default 2025) is the fiscal year walked: two wrk processes given different years write different
-- rows (two grid operators publishing at once do not write the same slot of the same series at the same instant).
local slot = 0
local key = os.getenv("WATTBIT_KEY")
local base = os.time({ year = tonumber(os.getenv("WATTBIT_INGEST_YEAR") or "2025"), month = 4, day = 1, hour = 0 })

request = function()
  slot = slot + 1
  local t = os.date("!%Y-%m-%dT%H:%M:%SZ", base + (slot % 17000) * 1800)
  local body = string.format('{"start":"%s","stepMinutes":30,"values":[%d]}', t, 300 + slot % 200)
  return wrk.format("PUT", "/api/areas/TK/signals/carbon", { ["Content-Type"] = "application/json", ["X-Api-Key"] = key }, body)
end
