
// Appended by the build. Every chunk is fetched with its integrity. When one cannot be had, one
// more look tells why: a chunk the server no longer has (404, 410, or a host's page instead of
// it) means a newer version was deployed, which the app then says, offering a reload; anything
// else (offline, a cut connection) is an error to try again.
function portierFetch(url, integrity) {
    return fetch(url, { integrity: integrity }).catch(function (error) {
        return fetch(url, { method: "HEAD", cache: "no-store" }).then(function (probe) {
            var type = probe.headers.get("content-type") || "";
            if (probe.status === 404 || probe.status === 410 || type.indexOf("text/html") === 0) {
                globalThis.__portierChunkGone = true;
            }
            throw error;
        }, function () { throw error; });
    });
}
