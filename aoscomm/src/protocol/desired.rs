//! `desiredStatus` (cloud → unit, §3.17) and the unit configuration inside it (§3.18).

use std::time::Duration;

use super::common::{kwrite, read_codename, read_id, Wire};
use super::encoding::{base64_d, format_duration, read_duration, write_base64_wrapped};
use super::enums::{DesiredNodeState, SubjectType, UpdateItemType};
use super::json::{Obj, Result, Writer};
use super::limits::*;

/// `desiredStatus` data: what the cloud wants the unit to run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DesiredStatus {
    pub nodes: Vec<DesiredNodeStatus>,
    pub unit_config: Option<UnitConfig>,
    pub items: Vec<DesiredItem>,
    pub instances: Vec<DesiredInstance>,
    pub subjects: Vec<DesiredSubject>,
    pub certificates: Vec<DesiredCertificate>,
    pub certificate_chains: Vec<CertificateChain>,
}

impl Wire for DesiredStatus {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(DesiredStatus {
            nodes: o.objs_d("nodes", MAX_NODES, DesiredNodeStatus::read)?,
            unit_config: o.obj_opt("unitConfig", UnitConfig::read)?,
            items: o.objs_d("items", MAX_UPDATE_ITEMS, DesiredItem::read)?,
            instances: o.objs_d("instances", MAX_INSTANCES, DesiredInstance::read)?,
            subjects: o.objs_d("subjects", MAX_SUBJECTS, DesiredSubject::read)?,
            certificates: o.objs_d("certificates", MAX_CERTIFICATES, DesiredCertificate::read)?,
            certificate_chains: o.objs_d(
                "certificateChains",
                MAX_CERT_CHAINS,
                CertificateChain::read,
            )?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kobjs("nodes", &self.nodes, |w, x| x.write(w));
        if let Some(u) = &self.unit_config {
            kwrite(w, "unitConfig", u);
        }
        w.kobjs("items", &self.items, |w, x| x.write(w));
        w.kobjs("instances", &self.instances, |w, x| x.write(w));
        w.kobjs("subjects", &self.subjects, |w, x| x.write(w));
        w.kobjs("certificates", &self.certificates, |w, x| x.write(w));
        w.kobjs("certificateChains", &self.certificate_chains, |w, x| {
            x.write(w)
        });
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredNodeStatus {
    /// `item.codename`
    pub node_id: String,
    pub state: DesiredNodeState,
}

impl Wire for DesiredNodeStatus {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(DesiredNodeStatus {
            node_id: read_codename(o, "item")?,
            state: DesiredNodeState::read(o.req("state")?)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kcodename("item", &self.node_id);
        w.kstr("state", self.state.as_str());
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredItem {
    pub item_id: String,
    pub item_type: UpdateItemType,
    pub version: String,
    pub owner_id: String,
    pub index_digest: String,
}

impl Wire for DesiredItem {
    fn read(o: &Obj<'_>) -> Result<Self> {
        let (item_id, item_type) = o.obj_req("item", |i| {
            Ok((
                i.str_req("id", ID_LEN)?,
                UpdateItemType::read(i.req("type")?)?,
            ))
        })?;
        Ok(DesiredItem {
            item_id,
            item_type,
            version: o.str_d("version", VERSION_LEN)?,
            owner_id: read_id(o, "owner")?,
            index_digest: o.str_d("indexDigest", DIGEST_LEN)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kobj("item", |w| {
            w.kstr("id", &self.item_id);
            w.kstr("type", self.item_type.as_str());
        });
        w.kstr("version", &self.version);
        w.kobj("owner", |w| w.kstr("id", &self.owner_id));
        w.kstr("indexDigest", &self.index_digest);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DesiredInstance {
    pub item_id: String,
    pub subject_id: String,
    pub priority: u64,
    pub num_instances: u64,
    pub labels: Vec<String>,
}

impl Wire for DesiredInstance {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(DesiredInstance {
            item_id: read_id(o, "item")?,
            subject_id: read_id(o, "subject")?,
            priority: o.u64_d("priority")?,
            num_instances: o.u64_d("numInstances")?,
            labels: o.strs_d("labels", MAX_LABELS, LABEL_LEN)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kobj("item", |w| w.kstr("id", &self.item_id));
        w.kobj("subject", |w| w.kstr("id", &self.subject_id));
        w.ku64("priority", self.priority);
        w.ku64("numInstances", self.num_instances);
        w.kstrs("labels", &self.labels);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredSubject {
    /// `identity.id`
    pub subject_id: String,
    pub subject_type: SubjectType,
    pub is_reported_from_unit: bool,
}

impl Wire for DesiredSubject {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(DesiredSubject {
            subject_id: read_id(o, "identity")?,
            subject_type: SubjectType::read(o.req("type")?)?,
            is_reported_from_unit: o.bool_d("isReportedFromUnit")?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kobj("identity", |w| w.kstr("id", &self.subject_id));
        w.kstr("type", self.subject_type.as_str());
        w.kbool("isReportedFromUnit", self.is_reported_from_unit);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DesiredCertificate {
    /// DER bytes (base64 on the wire, CRLF-wrapped like the reference's serialiser).
    pub certificate: Vec<u8>,
    pub fingerprint: String,
}

impl Wire for DesiredCertificate {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(DesiredCertificate {
            certificate: base64_d(o, "certificate", CERT_DER_SIZE)?,
            fingerprint: o.str_d("fingerprint", CERT_FINGERPRINT_LEN)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.key("certificate");
        write_base64_wrapped(w, &self.certificate);
        w.kstr("fingerprint", &self.fingerprint);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CertificateChain {
    pub name: String,
    pub fingerprints: Vec<String>,
}

impl Wire for CertificateChain {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(CertificateChain {
            name: o.str_d("name", CHAIN_NAME_LEN)?,
            fingerprints: o.strs_d("fingerprints", MAX_CERT_CHAIN_SIZE, CERT_FINGERPRINT_LEN)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kstr("name", &self.name);
        w.kstrs("fingerprints", &self.fingerprints);
    }
}

/// Unit configuration (§3.18).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UnitConfig {
    pub format_version: String,
    pub version: String,
    pub nodes: Vec<NodeConfig>,
}

impl Wire for UnitConfig {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(UnitConfig {
            format_version: o.str_d("formatVersion", VERSION_LEN)?,
            version: o.str_d("version", VERSION_LEN)?,
            nodes: o.objs_d("nodes", MAX_NODES, NodeConfig::read)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kstr("formatVersion", &self.format_version);
        w.kstr("version", &self.version);
        w.kobjs("nodes", &self.nodes, |w, x| x.write(w));
    }
}

/// Configuration of one node.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeConfig {
    /// Written when non-empty.
    pub version: String,
    /// `node.codename`; written when non-empty.
    pub node_id: String,
    /// `nodeGroupSubject.codename`
    pub node_type: String,
    pub alert_rules: Option<AlertRules>,
    pub resource_ratios: Option<ResourceRatios>,
    /// Written when non-empty.
    pub labels: Vec<String>,
    pub priority: u64,
}

impl Wire for NodeConfig {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(NodeConfig {
            version: o.str_d("version", VERSION_LEN)?,
            node_id: o
                .obj_opt("node", |n| n.str_req("codename", ID_LEN))?
                .unwrap_or_default(),
            node_type: o.obj_req("nodeGroupSubject", |n| n.str_req("codename", NODE_TYPE_LEN))?,
            alert_rules: o.obj_opt("alertRules", AlertRules::read)?,
            resource_ratios: o.obj_opt("resourceRatios", ResourceRatios::read)?,
            labels: o.strs_d("labels", MAX_LABELS, LABEL_LEN)?,
            priority: o.u64_d("priority")?,
        })
    }
    fn write(&self, w: &mut Writer) {
        if !self.version.is_empty() {
            w.kstr("version", &self.version);
        }
        if !self.node_id.is_empty() {
            w.kcodename("node", &self.node_id);
        }
        w.kcodename("nodeGroupSubject", &self.node_type);
        if let Some(a) = &self.alert_rules {
            kwrite(w, "alertRules", a);
        }
        if let Some(r) = &self.resource_ratios {
            kwrite(w, "resourceRatios", r);
        }
        if !self.labels.is_empty() {
            w.kstrs("labels", &self.labels);
        }
        w.ku64("priority", self.priority);
    }
}

/// Alert thresholds of a node.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlertRules {
    pub ram: Option<AlertRulePercents>,
    pub cpu: Option<AlertRulePercents>,
    pub download: Option<AlertRulePoints>,
    pub upload: Option<AlertRulePoints>,
    /// Always written (possibly `[]`).
    pub partitions: Vec<PartitionAlertRule>,
}

impl Wire for AlertRules {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(AlertRules {
            ram: o.obj_opt("ram", AlertRulePercents::read)?,
            cpu: o.obj_opt("cpu", AlertRulePercents::read)?,
            download: o.obj_opt("download", AlertRulePoints::read)?,
            upload: o.obj_opt("upload", AlertRulePoints::read)?,
            partitions: o.objs_d("partitions", MAX_PARTITIONS, PartitionAlertRule::read)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        if let Some(r) = &self.ram {
            kwrite(w, "ram", r);
        }
        if let Some(r) = &self.cpu {
            kwrite(w, "cpu", r);
        }
        if let Some(r) = &self.download {
            kwrite(w, "download", r);
        }
        if let Some(r) = &self.upload {
            kwrite(w, "upload", r);
        }
        w.kobjs("partitions", &self.partitions, |w, x| x.write(w));
    }
}

fn read_min_timeout(o: &Obj<'_>) -> Result<Duration> {
    Ok(o.get("minTimeout")
        .map(read_duration)
        .transpose()?
        .unwrap_or_default())
}

fn write_min_timeout(w: &mut Writer, d: Duration) {
    if !d.is_zero() {
        w.kstr("minTimeout", &format_duration(d));
    }
}

/// A threshold rule in percent (ram, cpu).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlertRulePercents {
    /// Written when non-zero.
    pub min_timeout: Duration,
    pub min_threshold: f64,
    pub max_threshold: f64,
}

impl Wire for AlertRulePercents {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(AlertRulePercents {
            min_timeout: read_min_timeout(o)?,
            min_threshold: o.f64_d("minThreshold")?,
            max_threshold: o.f64_d("maxThreshold")?,
        })
    }
    fn write(&self, w: &mut Writer) {
        write_min_timeout(w, self.min_timeout);
        w.kf64("minThreshold", self.min_threshold);
        w.kf64("maxThreshold", self.max_threshold);
    }
}

/// A threshold rule in absolute points (download, upload).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AlertRulePoints {
    pub min_timeout: Duration,
    pub min_threshold: u64,
    pub max_threshold: u64,
}

impl Wire for AlertRulePoints {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(AlertRulePoints {
            min_timeout: read_min_timeout(o)?,
            min_threshold: o.u64_d("minThreshold")?,
            max_threshold: o.u64_d("maxThreshold")?,
        })
    }
    fn write(&self, w: &mut Writer) {
        write_min_timeout(w, self.min_timeout);
        w.ku64("minThreshold", self.min_threshold);
        w.ku64("maxThreshold", self.max_threshold);
    }
}

/// A percent rule for one partition; written as `minTimeout?, minThreshold, maxThreshold, name`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PartitionAlertRule {
    pub name: String,
    pub min_timeout: Duration,
    pub min_threshold: f64,
    pub max_threshold: f64,
}

impl Wire for PartitionAlertRule {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(PartitionAlertRule {
            name: o.str_d("name", PARTITION_NAME_LEN)?,
            min_timeout: read_min_timeout(o)?,
            min_threshold: o.f64_d("minThreshold")?,
            max_threshold: o.f64_d("maxThreshold")?,
        })
    }
    fn write(&self, w: &mut Writer) {
        write_min_timeout(w, self.min_timeout);
        w.kf64("minThreshold", self.min_threshold);
        w.kf64("maxThreshold", self.max_threshold);
        w.kstr("name", &self.name);
    }
}

/// Resource ratios of a node; each written when set.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResourceRatios {
    pub cpu: Option<f64>,
    pub ram: Option<f64>,
    pub storage: Option<f64>,
    pub state: Option<f64>,
}

impl Wire for ResourceRatios {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(ResourceRatios {
            cpu: o.opt_f64("cpu")?,
            ram: o.opt_f64("ram")?,
            storage: o.opt_f64("storage")?,
            state: o.opt_f64("state")?,
        })
    }
    fn write(&self, w: &mut Writer) {
        for (k, v) in [
            ("cpu", self.cpu),
            ("ram", self.ram),
            ("storage", self.storage),
            ("state", self.state),
        ] {
            if let Some(v) = v {
                w.kf64(k, v);
            }
        }
    }
}
