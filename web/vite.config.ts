import { defineConfig } from "vite";

// The server (src/WattBit.Server) serves dist/ at /; `npm run dev` proxies the API to a local server.
export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2020",
    // ECharts is most of the bundle; one chunk keeps the page to three requests.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:5080" },
  },
});
