//! Test PKI made with rcgen (ECDSA P-256): a CA, a server certificate, the unit's client
//! certificate, and extra certificates for negative tests.

use std::path::Path;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use time::{Duration as TimeDuration, OffsetDateTime};

use super::CloudError;

/// A certificate and its private key (PKCS#8), PEM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PemPair {
    pub cert: String,
    pub key: String,
}

/// The kinds of client certificate [`TestPki::mint_client`] makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientCertKind {
    /// Valid, clientAuth EKU, issued by the test CA.
    Valid,
    /// Issued by the test CA, `notAfter` one hour ago.
    Expired,
    /// Issued by the test CA, `notBefore` one hour from now.
    NotYetValid,
    /// Valid, but issued by another CA.
    OtherCa,
    /// Issued by the test CA with the serverAuth EKU only.
    ServerAuthOnly,
}

/// The mock cloud's PKI. `ca`, `server` and `client` are PEM text.
pub struct TestPki {
    /// The CA certificate (the unit's trust anchor and the cloud's client-certificate root).
    pub ca: String,
    /// The server certificate (for the configured names) and key.
    pub server: PemPair,
    /// The unit's client certificate (clientAuth EKU) and key.
    pub client: PemPair,
    issuer: Option<CertifiedIssuer<'static, KeyPair>>,
}

impl std::fmt::Debug for TestPki {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestPki")
            .field("can_mint", &self.issuer.is_some())
            .finish_non_exhaustive()
    }
}

fn pki_err(what: &str, e: rcgen::Error) -> CloudError {
    CloudError::Pki(format!("{what}: {e}"))
}

fn new_ca(cn: &str) -> Result<CertifiedIssuer<'static, KeyPair>, CloudError> {
    let mut p = CertificateParams::new(Vec::<String>::new()).map_err(|e| pki_err("CA", e))?;
    p.distinguished_name.push(DnType::CommonName, cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let now = OffsetDateTime::now_utc();
    p.not_before = now - TimeDuration::days(1);
    p.not_after = now + TimeDuration::days(3650);
    let key = KeyPair::generate().map_err(|e| pki_err("CA key", e))?;
    CertifiedIssuer::self_signed(p, key).map_err(|e| pki_err("CA certificate", e))
}

struct Leaf<'a> {
    cn: &'a str,
    names: &'a [String],
    ekus: Vec<ExtendedKeyUsagePurpose>,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
}

fn leaf(issuer: &CertifiedIssuer<'static, KeyPair>, l: Leaf<'_>) -> Result<PemPair, CloudError> {
    let mut p = CertificateParams::new(l.names.to_vec()).map_err(|e| pki_err(l.cn, e))?;
    p.distinguished_name.push(DnType::CommonName, l.cn);
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = l.ekus;
    p.use_authority_key_identifier_extension = true;
    p.not_before = l.not_before;
    p.not_after = l.not_after;
    let key = KeyPair::generate().map_err(|e| pki_err("leaf key", e))?;
    let cert = p.signed_by(&key, issuer).map_err(|e| pki_err(l.cn, e))?;
    Ok(PemPair {
        cert: cert.pem(),
        key: key.serialize_pem(),
    })
}

fn validity() -> (OffsetDateTime, OffsetDateTime) {
    let now = OffsetDateTime::now_utc();
    (now - TimeDuration::days(1), now + TimeDuration::days(365))
}

impl TestPki {
    /// A fresh CA, a server certificate for `server_names` (DNS or IP SANs) and a client
    /// certificate for `unit_cn`.
    pub fn generate(server_names: &[String], unit_cn: &str) -> Result<TestPki, CloudError> {
        let issuer = new_ca("aoscomm mock cloud test CA")?;
        let (nb, na) = validity();
        let server = leaf(
            &issuer,
            Leaf {
                cn: "aoscomm mock cloud",
                names: server_names,
                ekus: vec![ExtendedKeyUsagePurpose::ServerAuth],
                not_before: nb,
                not_after: na,
            },
        )?;
        let client = leaf(
            &issuer,
            Leaf {
                cn: unit_cn,
                names: &[],
                ekus: vec![ExtendedKeyUsagePurpose::ClientAuth],
                not_before: nb,
                not_after: na,
            },
        )?;
        Ok(TestPki {
            ca: issuer.pem(),
            server,
            client,
            issuer: Some(issuer),
        })
    }

    /// PKI from given PEMs (no minting: the `mint_*` helpers fail).
    pub fn from_pems(ca: String, server: PemPair, client: PemPair) -> TestPki {
        TestPki {
            ca,
            server,
            client,
            issuer: None,
        }
    }

    fn issuer(&self) -> Result<&CertifiedIssuer<'static, KeyPair>, CloudError> {
        self.issuer
            .as_ref()
            .ok_or_else(|| CloudError::Pki("this PKI was given as PEM: cannot mint".to_string()))
    }

    /// A client certificate of the given kind.
    pub fn mint_client(&self, kind: ClientCertKind) -> Result<PemPair, CloudError> {
        let (mut nb, mut na) = validity();
        let now = OffsetDateTime::now_utc();
        let mut ekus = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let other;
        let issuer = match kind {
            ClientCertKind::OtherCa => {
                other = new_ca("aoscomm other test CA")?;
                &other
            }
            _ => self.issuer()?,
        };
        match kind {
            ClientCertKind::Expired => {
                nb = now - TimeDuration::days(30);
                na = now - TimeDuration::hours(1);
            }
            ClientCertKind::NotYetValid => {
                nb = now + TimeDuration::hours(1);
                na = now + TimeDuration::days(30);
            }
            ClientCertKind::ServerAuthOnly => ekus = vec![ExtendedKeyUsagePurpose::ServerAuth],
            ClientCertKind::Valid | ClientCertKind::OtherCa => {}
        }
        leaf(
            issuer,
            Leaf {
                cn: "aoscomm test unit",
                names: &[],
                ekus,
                not_before: nb,
                not_after: na,
            },
        )
    }

    /// A server certificate of the test CA for other names (a wrong-name server).
    pub fn mint_server(&self, names: &[String]) -> Result<PemPair, CloudError> {
        let (nb, na) = validity();
        leaf(
            self.issuer()?,
            Leaf {
                cn: "aoscomm mock cloud",
                names,
                ekus: vec![ExtendedKeyUsagePurpose::ServerAuth],
                not_before: nb,
                not_after: na,
            },
        )
    }

    /// A CA certificate that did not issue anything here (a client trusting it distrusts us).
    pub fn other_ca_pem() -> Result<String, CloudError> {
        Ok(new_ca("aoscomm unrelated test CA")?.pem())
    }

    /// Writes `ca.pem`, `client.pem` and `client-key.pem` into `dir` (created if needed).
    pub fn write(&self, dir: &Path) -> Result<(), CloudError> {
        let io = |what: String| move |e: std::io::Error| CloudError::Io { what, source: e };
        std::fs::create_dir_all(dir).map_err(io(format!("create {}", dir.display())))?;
        for (name, text) in [
            ("ca.pem", &self.ca),
            ("client.pem", &self.client.cert),
            ("client-key.pem", &self.client.key),
        ] {
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(io(format!("write {}", path.display())))?;
        }
        Ok(())
    }
}
