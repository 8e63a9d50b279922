//! Unit certificates (§3.19–3.22) and provisioning (§3.23–3.27).

use super::common::{read_codename, read_error, write_error, ErrorInfo, Wire};
use super::encoding::{timestamp_opt, Timestamp};
use super::enums::CertType;
use super::json::{Obj, Result, Writer};
use super::limits::*;

/// `type`, defaulting to `offline` when absent (§9.18).
fn cert_type_d(o: &Obj<'_>) -> Result<CertType> {
    Ok(o.get("type")
        .map(CertType::read)
        .transpose()?
        .unwrap_or(CertType::Offline))
}

fn cert_type_req(o: &Obj<'_>) -> Result<CertType> {
    CertType::read(o.req("type")?)
}

// ----- renewCertificatesNotification (cloud → unit) -----

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RenewCertificatesNotification {
    pub certificates: Vec<RenewCertificate>,
    pub unit_secrets: UnitSecrets,
}

impl Wire for RenewCertificatesNotification {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(RenewCertificatesNotification {
            certificates: o.objs_d("certificates", MAX_CERTS_PER_UNIT, RenewCertificate::read)?,
            unit_secrets: o.obj_req("unitSecrets", UnitSecrets::read)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kobjs("certificates", &self.certificates, |w, x| x.write(w));
        w.kobj("unitSecrets", |w| self.unit_secrets.write(w));
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenewCertificate {
    pub cert_type: CertType,
    pub node_id: String,
    pub serial: String,
    pub valid_till: Option<Timestamp>,
}

impl Wire for RenewCertificate {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(RenewCertificate {
            cert_type: cert_type_d(o)?,
            node_id: read_codename(o, "node")?,
            serial: o.str_d("serial", SERIAL_LEN)?,
            valid_till: timestamp_opt(o, "validTill")?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kstr("type", self.cert_type.as_str());
        w.kcodename("node", &self.node_id);
        w.kstr("serial", &self.serial);
        if let Some(t) = &self.valid_till {
            w.key("validTill");
            t.write(w);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnitSecrets {
    pub version: String,
    pub nodes: Vec<NodeSecret>,
}

impl Wire for UnitSecrets {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(UnitSecrets {
            version: o.str_d("version", VERSION_LEN)?,
            nodes: o.objs_d("nodes", MAX_NODES, NodeSecret::read)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kstr("version", &self.version);
        w.kobjs("nodes", &self.nodes, |w, x| x.write(w));
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NodeSecret {
    pub node_id: String,
    pub secret: String,
}

impl Wire for NodeSecret {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(NodeSecret {
            node_id: read_codename(o, "node")?,
            secret: o.str_d("secret", SECRET_LEN)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kcodename("node", &self.node_id);
        w.kstr("secret", &self.secret);
    }
}

// ----- issueUnitCertificates (unit → cloud) -----

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IssueUnitCertificates {
    pub requests: Vec<CertificateRequest>,
}

impl Wire for IssueUnitCertificates {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(IssueUnitCertificates {
            requests: o.objs_d("requests", MAX_CERTS_PER_UNIT, CertificateRequest::read)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kobjs("requests", &self.requests, |w, x| x.write(w));
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRequest {
    pub cert_type: CertType,
    pub node_id: String,
    /// PEM CSR.
    pub csr: String,
}

impl Wire for CertificateRequest {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(CertificateRequest {
            cert_type: cert_type_d(o)?,
            node_id: read_codename(o, "node")?,
            csr: o.str_d("csr", CSR_PEM_LEN)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kstr("type", self.cert_type.as_str());
        w.kcodename("node", &self.node_id);
        w.kstr("csr", &self.csr);
    }
}

// ----- issuedUnitCertificates (cloud → unit) -----

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IssuedUnitCertificates {
    pub certificates: Vec<IssuedCertificate>,
}

impl Wire for IssuedUnitCertificates {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(IssuedUnitCertificates {
            certificates: o.objs_d("certificates", MAX_CERTS_PER_UNIT, IssuedCertificate::read)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kobjs("certificates", &self.certificates, |w, x| x.write(w));
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedCertificate {
    pub cert_type: CertType,
    pub node_id: String,
    /// PEM chain.
    pub certificate_chain: String,
}

impl Wire for IssuedCertificate {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(IssuedCertificate {
            cert_type: cert_type_d(o)?,
            node_id: read_codename(o, "node")?,
            certificate_chain: o.str_d("certificateChain", CERT_CHAIN_PEM_LEN)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kstr("type", self.cert_type.as_str());
        w.kcodename("node", &self.node_id);
        w.kstr("certificateChain", &self.certificate_chain);
    }
}

// ----- installUnitCertificatesConfirmation (unit → cloud) -----

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InstallUnitCertificatesConfirmation {
    pub certificates: Vec<InstalledCertificate>,
}

impl Wire for InstallUnitCertificatesConfirmation {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(InstallUnitCertificatesConfirmation {
            certificates: o.objs_d(
                "certificates",
                MAX_CERTS_PER_UNIT,
                InstalledCertificate::read,
            )?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kobjs("certificates", &self.certificates, |w, x| x.write(w));
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalledCertificate {
    pub cert_type: CertType,
    pub node_id: String,
    /// Lowercase hex serial of the installed certificate; `""` on failure.
    pub serial: String,
    pub error: Option<ErrorInfo>,
}

impl Wire for InstalledCertificate {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(InstalledCertificate {
            cert_type: cert_type_d(o)?,
            node_id: read_codename(o, "node")?,
            serial: o.str_d("serial", SERIAL_LEN)?,
            error: read_error(o)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kstr("type", self.cert_type.as_str());
        w.kcodename("node", &self.node_id);
        w.kstr("serial", &self.serial);
        write_error(w, &self.error);
    }
}

// ----- provisioning -----

/// `startProvisioningRequest` and `deprovisioningRequest` (same keys).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NodeRequest {
    pub node_id: String,
    pub password: String,
}

impl Wire for NodeRequest {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(NodeRequest {
            node_id: read_codename(o, "node")?,
            password: o.str_d("password", SECRET_LEN)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kcodename("node", &self.node_id);
        w.kstr("password", &self.password);
    }
}

/// `finishProvisioningResponse` and `deprovisioningResponse` (same keys).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NodeResponse {
    pub node_id: String,
    pub error: Option<ErrorInfo>,
}

impl Wire for NodeResponse {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(NodeResponse {
            node_id: read_codename(o, "node")?,
            error: read_error(o)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kcodename("node", &self.node_id);
        write_error(w, &self.error);
    }
}

/// `startProvisioningResponse`: `errorInfo` comes before `csrs`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StartProvisioningResponse {
    pub node_id: String,
    pub error: Option<ErrorInfo>,
    pub csrs: Vec<CsrInfo>,
}

impl Wire for StartProvisioningResponse {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(StartProvisioningResponse {
            node_id: read_codename(o, "node")?,
            error: read_error(o)?,
            csrs: o.objs_d("csrs", MAX_CERTS_PER_NODE, CsrInfo::read)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kcodename("node", &self.node_id);
        write_error(w, &self.error);
        w.kobjs("csrs", &self.csrs, |w, x| x.write(w));
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsrInfo {
    pub cert_type: CertType,
    pub csr: String,
}

impl Wire for CsrInfo {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(CsrInfo {
            cert_type: cert_type_req(o)?,
            csr: o.str_d("csr", CSR_PEM_LEN)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kstr("type", self.cert_type.as_str());
        w.kstr("csr", &self.csr);
    }
}

/// `finishProvisioningRequest`: `certificates` is required (it may be `[]`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FinishProvisioningRequest {
    pub node_id: String,
    pub certificates: Vec<ProvisioningCertificate>,
    pub password: String,
}

impl Wire for FinishProvisioningRequest {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(FinishProvisioningRequest {
            node_id: read_codename(o, "node")?,
            certificates: o.arr_req("certificates", MAX_CERTS_PER_NODE, |v| {
                ProvisioningCertificate::read(&v.obj()?)
            })?,
            password: o.str_d("password", SECRET_LEN)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kcodename("node", &self.node_id);
        w.kobjs("certificates", &self.certificates, |w, x| x.write(w));
        w.kstr("password", &self.password);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvisioningCertificate {
    pub cert_type: CertType,
    /// PEM chain.
    pub chain: String,
}

impl Wire for ProvisioningCertificate {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(ProvisioningCertificate {
            cert_type: cert_type_req(o)?,
            chain: o.str_d("chain", CERT_CHAIN_PEM_LEN)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kstr("type", self.cert_type.as_str());
        w.kstr("chain", &self.chain);
    }
}
