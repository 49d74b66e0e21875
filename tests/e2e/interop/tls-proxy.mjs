// A TLS-terminating reverse proxy for the MSAL.js interop test: https on each `listen` port,
// forwarded to the local tenant's plain-http `upstream` port with X-Forwarded-Proto/-Host.
// ROUTES='[{"listen":8443,"upstream":8081}]' CERT=chain.pem KEY=key.pem node tls-proxy.mjs
import fs from "node:fs";
import http from "node:http";
import https from "node:https";

const routes = JSON.parse(process.env.ROUTES);
const tls = { cert: fs.readFileSync(process.env.CERT), key: fs.readFileSync(process.env.KEY) };

for (const { listen, upstream } of routes) {
  https
    .createServer(tls, (req, res) => {
      const headers = { ...req.headers, "x-forwarded-proto": "https", "x-forwarded-host": req.headers.host };
      const forward = http.request(
        { host: "127.0.0.1", port: upstream, method: req.method, path: req.url, headers },
        (answer) => {
          res.writeHead(answer.statusCode, answer.rawHeaders);
          answer.pipe(res);
        },
      );
      forward.on("error", (e) => {
        res.writeHead(502, { "content-type": "text/plain" });
        res.end(`proxy: ${e.message}`);
      });
      req.pipe(forward);
    })
    .listen(listen, "127.0.0.1", () => console.log(`listening ${listen}`));
}
