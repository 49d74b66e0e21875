//! https for both origins. With `--tls` the tenant makes a local CA on first start and keeps it
//! in its data directory (so a browser told to trust it once keeps trusting it), and issues the
//! server certificate from it at every start; with `--cert`/`--key` it serves the user's files
//! (mkcert's and Azurite's convention). `rcgen` makes the certificates, `rustls` (ring provider)
//! serves them.

use anyhow::{Context, Result, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const CA_CERT_FILE: &str = "devtenant-ca.pem";
const CA_KEY_FILE: &str = "devtenant-ca-key.pem";
/// The server key is kept too, so the SPKI hash given to Chromium stays the same across restarts.
const SERVER_KEY_FILE: &str = "devtenant-server-key.pem";
pub const SERVER_CERT_FILE: &str = "devtenant-server.pem";

/// Where the certificate comes from.
#[derive(Debug, Clone)]
pub enum TlsSource {
    /// The tenant's own CA, kept in this directory.
    LocalCa { dir: PathBuf },
    /// The user's certificate chain and private key (PEM).
    Files { cert: PathBuf, key: PathBuf },
}

/// What serving https needs, and what a person or a test needs to trust it.
#[derive(Clone)]
pub struct Tls {
    pub server_config: Arc<rustls::ServerConfig>,
    /// The CA certificate to trust (only with the local CA).
    pub ca_file: Option<PathBuf>,
    pub ca_pem: Option<String>,
    /// The served chain and key, PEM (for a test's own proxy, or to inspect).
    pub cert_pem: String,
    pub key_pem: String,
    /// Base64 SHA-256 of the server key's SubjectPublicKeyInfo: Chromium's
    /// `--ignore-certificate-errors-spki-list` value.
    pub spki_sha256: String,
}

impl Tls {
    /// How a person trusts this certificate, and how a test's Chromium does: lines to print
    /// (the binary and `cargo xtask demo` print the same).
    pub fn how_to_trust(&self) -> Vec<String> {
        let mut lines = match &self.ca_file {
            Some(ca) => vec![
                format!("  https certificate:   issued by the local CA {}", ca.display()),
                "    trust it in a browser: import that file as an authority (Chromium: Settings > Privacy and".into(),
                "    security > Security > Manage certificates > Authorities; Firefox: Settings > Certificates >"
                    .into(),
                "    View Certificates > Authorities > Import), or system-wide: copy it to".into(),
                "    /usr/local/share/ca-certificates/devtenant-ca.crt and run update-ca-certificates".into(),
            ],
            None => vec!["  https certificate:   from --cert".into()],
        };
        lines.push(format!("    Chromium in tests: --ignore-certificate-errors-spki-list={}", self.spki_sha256));
        lines
    }
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls").field("ca_file", &self.ca_file).field("spki_sha256", &self.spki_sha256).finish()
    }
}

/// Loads or makes the certificate for `hosts` (names and IP addresses the server answers as).
pub fn prepare(source: &TlsSource, hosts: &[String]) -> Result<Tls> {
    match source {
        TlsSource::LocalCa { dir } => from_local_ca(dir, hosts),
        TlsSource::Files { cert, key } => {
            let cert_pem =
                std::fs::read_to_string(cert).with_context(|| format!("cannot read --cert {}", cert.display()))?;
            let key_pem =
                std::fs::read_to_string(key).with_context(|| format!("cannot read --key {}", key.display()))?;
            build(cert_pem, key_pem, None, None)
        }
    }
}

/// The CA's name and powers; the same every time, so a stored CA key can issue again.
fn ca_params() -> Result<CertificateParams> {
    let mut p = CertificateParams::new(Vec::<String>::new())?;
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, "devtenant local CA");
    name.push(DnType::OrganizationName, "devtenant (Portier's local tenant)");
    p.distinguished_name = name;
    p.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    p.not_before = rcgen::date_time_ymd(2024, 1, 1);
    p.not_after = rcgen::date_time_ymd(2049, 12, 31);
    Ok(p)
}

fn from_local_ca(dir: &Path, hosts: &[String]) -> Result<Tls> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    let ca_cert_path = dir.join(CA_CERT_FILE);
    let ca_key = stored_key(&dir.join(CA_KEY_FILE))?;
    let ca_params = ca_params()?;
    let ca_pem = match std::fs::read_to_string(&ca_cert_path) {
        Ok(pem) => pem,
        Err(_) => {
            let pem = ca_params.self_signed(&ca_key)?.pem();
            std::fs::write(&ca_cert_path, &pem).with_context(|| format!("cannot write {}", ca_cert_path.display()))?;
            pem
        }
    };
    let issuer = Issuer::new(ca_params, ca_key);
    let server_key = stored_key(&dir.join(SERVER_KEY_FILE))?;
    let mut params = CertificateParams::new(hosts.to_vec())?;
    params.distinguished_name.push(DnType::CommonName, hosts.first().map(String::as_str).unwrap_or("localhost"));
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(365);
    let server_pem = params.signed_by(&server_key, &issuer)?.pem();
    let chain = format!("{server_pem}{ca_pem}");
    std::fs::write(dir.join(SERVER_CERT_FILE), &chain)
        .with_context(|| format!("cannot write {}", dir.join(SERVER_CERT_FILE).display()))?;
    build(chain, server_key.serialize_pem(), Some(ca_cert_path), Some(ca_pem))
}

/// A P-256 key kept in `path` (PKCS#8 PEM, readable by its owner only); made on first use.
fn stored_key(path: &Path) -> Result<KeyPair> {
    if let Ok(pem) = std::fs::read_to_string(path) {
        return KeyPair::from_pem(&pem).with_context(|| format!("{} is not a readable private key", path.display()));
    }
    let key = KeyPair::generate()?;
    write_private(path, &key.serialize_pem())?;
    Ok(key)
}

fn write_private(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    f.write_all(text.as_bytes())?;
    Ok(())
}

fn build(cert_pem: String, key_pem: String, ca_file: Option<PathBuf>, ca_pem: Option<String>) -> Result<Tls> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
        .collect::<Result<_, _>>()
        .context("the certificate file holds no readable PEM certificate")?;
    if chain.is_empty() {
        bail!("the certificate file holds no PEM certificate");
    }
    let key =
        PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).context("the key file holds no readable private key")?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let signer = provider.key_provider.load_private_key(key.clone_key()).context("the private key is not usable")?;
    let spki = signer.public_key().context("the private key's public half cannot be encoded")?.as_ref().to_vec();
    if rustls::sign::CertifiedKey::new(chain.clone(), signer).keys_match().is_err() {
        bail!("the certificate does not belong to the private key (its public key differs)");
    }
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .context("the certificate and key cannot be served")?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Tls {
        server_config: Arc::new(config),
        ca_file,
        ca_pem,
        cert_pem,
        key_pem,
        spki_sha256: B64.encode(Sha256::digest(&spki)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder that does not exist yet (as the CA's may not), inside one removed with the test.
    fn temp_dir(name: &str) -> (tempfile::TempDir, PathBuf) {
        let scratch = tempfile::Builder::new().prefix("devtenant-tls-").tempdir().unwrap();
        let dir = scratch.path().join(name);
        (scratch, dir)
    }

    #[test]
    fn the_local_ca_and_server_key_are_made_once_and_kept() {
        let (_scratch, dir) = temp_dir("kept");
        let hosts = vec!["localhost".to_string(), "127.0.0.1".to_string()];
        let first = prepare(&TlsSource::LocalCa { dir: dir.clone() }, &hosts).unwrap();
        let again = prepare(&TlsSource::LocalCa { dir: dir.clone() }, &hosts).unwrap();
        assert_eq!(first.ca_pem, again.ca_pem);
        assert_eq!(first.spki_sha256, again.spki_sha256);
        assert_eq!(first.ca_file.as_deref(), Some(dir.join(CA_CERT_FILE).as_path()));
        let mode =
            std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(dir.join(CA_KEY_FILE)).unwrap().permissions());
        assert_eq!(mode & 0o077, 0, "the CA key is private");
    }

    #[test]
    fn a_key_that_does_not_match_the_certificate_is_refused() {
        let ((_a, a), (_b, b)) = (temp_dir("a"), temp_dir("b"));
        let hosts = vec!["localhost".to_string()];
        let one = prepare(&TlsSource::LocalCa { dir: a.clone() }, &hosts).unwrap();
        let other = prepare(&TlsSource::LocalCa { dir: b.clone() }, &hosts).unwrap();
        let e = build(one.cert_pem, other.key_pem, None, None).unwrap_err();
        assert!(e.to_string().contains("does not belong"), "{e}");
        assert!(build("nothing".into(), one.key_pem, None, None).is_err());
    }
}
