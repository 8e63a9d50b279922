//! `unitStatus` (unit → cloud, §3.6).

use super::common::{
    kwrite, read_codename, read_error, read_id_or_codename, write_error, write_id_or_codename,
    ErrorInfo, Wire,
};
use super::encoding::{hex_d, write_hex};
use super::enums::{InstanceState, ItemState, NodeState, UnitConfigState, UpdateItemType};
use super::error::DecodeErrorKind;
use super::json::{Obj, Result, Writer, V};
use super::limits::*;

/// `unitStatus` data. Each section is written when set, even if empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnitStatus {
    pub is_delta_info: bool,
    pub unit_config: Option<Vec<UnitConfigStatus>>,
    pub nodes: Option<Vec<UnitNodeInfo>>,
    pub items: Option<Vec<UpdateItemStatus>>,
    pub instances: Option<Vec<UnitInstancesStatuses>>,
    /// Subject IDs, written as `{"codename": id}`.
    pub subjects: Option<Vec<String>>,
}

fn objs_opt<T>(
    o: &Obj<'_>,
    key: &'static str,
    max: usize,
    f: impl Fn(&Obj<'_>) -> Result<T>,
) -> Result<Option<Vec<T>>> {
    o.arr_opt(key, max, |v| f(&v.obj()?))
}

impl Wire for UnitStatus {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(UnitStatus {
            is_delta_info: o.bool_d("isDeltaInfo")?,
            unit_config: objs_opt(
                o,
                "unitConfig",
                MAX_UNIT_CONFIG_STATUSES,
                UnitConfigStatus::read,
            )?,
            nodes: objs_opt(o, "nodes", MAX_NODES, UnitNodeInfo::read)?,
            items: objs_opt(o, "items", MAX_ITEM_STATUSES, UpdateItemStatus::read)?,
            instances: objs_opt(
                o,
                "instances",
                MAX_INSTANCE_GROUPS,
                UnitInstancesStatuses::read,
            )?,
            subjects: objs_opt(o, "subjects", MAX_SUBJECTS, |s| {
                s.str_req("codename", ID_LEN)
            })?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kbool("isDeltaInfo", self.is_delta_info);
        if let Some(v) = &self.unit_config {
            w.kobjs("unitConfig", v, |w, x| x.write(w));
        }
        if let Some(v) = &self.nodes {
            w.kobjs("nodes", v, |w, x| x.write(w));
        }
        if let Some(v) = &self.items {
            w.kobjs("items", v, |w, x| x.write(w));
        }
        if let Some(v) = &self.instances {
            w.kobjs("instances", v, |w, x| x.write(w));
        }
        if let Some(v) = &self.subjects {
            w.kobjs("subjects", v, |w, x| w.kstr("codename", x));
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitConfigStatus {
    /// Written when non-empty.
    pub version: String,
    pub state: UnitConfigState,
    pub error: Option<ErrorInfo>,
}

impl Wire for UnitConfigStatus {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(UnitConfigStatus {
            version: o.str_d("version", VERSION_LEN)?,
            state: UnitConfigState::read(o.req("state")?)?,
            error: read_error(o)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        if !self.version.is_empty() {
            w.kstr("version", &self.version);
        }
        w.kstr("state", self.state.as_str());
        write_error(w, &self.error);
    }
}

/// OS description of a node or runtime.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OsInfo {
    pub os: String,
    /// Written when non-empty.
    pub version: String,
    /// Written when non-empty.
    pub features: Vec<String>,
}

impl Wire for OsInfo {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(OsInfo {
            os: o.str_d("os", OS_TYPE_LEN)?,
            version: o.str_d("version", VERSION_LEN)?,
            features: o.strs_d("features", MAX_OS_FEATURES, OS_FEATURE_LEN)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kstr("os", &self.os);
        if !self.version.is_empty() {
            w.kstr("version", &self.version);
        }
        if !self.features.is_empty() {
            w.kstrs("features", &self.features);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ArchInfo {
    pub architecture: String,
    /// Written when non-empty.
    pub variant: String,
}

impl Wire for ArchInfo {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(ArchInfo {
            architecture: o.str_d("architecture", CPU_ARCH_LEN)?,
            variant: o.str_d("variant", CPU_VARIANT_LEN)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kstr("architecture", &self.architecture);
        if !self.variant.is_empty() {
            w.kstr("variant", &self.variant);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CpuInfo {
    pub model_name: String,
    pub total_num_cores: u64,
    pub total_num_threads: u64,
    pub arch_info: ArchInfo,
    pub max_dmips: Option<u64>,
}

impl Wire for CpuInfo {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(CpuInfo {
            model_name: o.str_d("modelName", CPU_MODEL_NAME_LEN)?,
            total_num_cores: o.u64_d("totalNumCores")?,
            total_num_threads: o.u64_d("totalNumThreads")?,
            arch_info: o.obj_req("archInfo", ArchInfo::read)?,
            max_dmips: o.opt_u64("maxDmips")?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kstr("modelName", &self.model_name);
        w.ku64("totalNumCores", self.total_num_cores);
        w.ku64("totalNumThreads", self.total_num_threads);
        kwrite(w, "archInfo", &self.arch_info);
        if let Some(v) = self.max_dmips {
            w.ku64("maxDmips", v);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PartitionInfo {
    pub name: String,
    /// Written when non-empty.
    pub path: String,
    pub types: Vec<String>,
    pub total_size: u64,
}

impl Wire for PartitionInfo {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(PartitionInfo {
            name: o.str_d("name", PARTITION_NAME_LEN)?,
            path: o.str_d("path", FILE_PATH_LEN)?,
            types: o.strs_d("types", MAX_PARTITION_TYPES, PARTITION_TYPE_LEN)?,
            total_size: o.u64_d("totalSize")?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kstr("name", &self.name);
        if !self.path.is_empty() {
            w.kstr("path", &self.path);
        }
        w.kstrs("types", &self.types);
        w.ku64("totalSize", self.total_size);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuntimeInfo {
    pub runtime_id: String,
    pub runtime_type: String,
    pub arch_info: ArchInfo,
    pub os_info: OsInfo,
    pub max_dmips: Option<u64>,
    pub allowed_dmips: Option<u64>,
    pub total_ram: Option<u64>,
    pub allowed_ram: Option<u64>,
    pub max_instances: u64,
}

impl Wire for RuntimeInfo {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(RuntimeInfo {
            runtime_id: read_codename(o, "identity")?,
            runtime_type: o.str_d("runtimeType", RUNTIME_TYPE_LEN)?,
            arch_info: o.obj_req("archInfo", ArchInfo::read)?,
            os_info: o.obj_req("osInfo", OsInfo::read)?,
            max_dmips: o.opt_u64("maxDmips")?,
            allowed_dmips: o.opt_u64("allowedDmips")?,
            total_ram: o.opt_u64("totalRam")?,
            allowed_ram: o.opt_u64("allowedRam")?,
            max_instances: o.u64_d("maxInstances")?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kcodename("identity", &self.runtime_id);
        w.kstr("runtimeType", &self.runtime_type);
        kwrite(w, "archInfo", &self.arch_info);
        kwrite(w, "osInfo", &self.os_info);
        for (k, v) in [
            ("maxDmips", self.max_dmips),
            ("allowedDmips", self.allowed_dmips),
            ("totalRam", self.total_ram),
            ("allowedRam", self.allowed_ram),
        ] {
            if let Some(v) = v {
                w.ku64(k, v);
            }
        }
        w.ku64("maxInstances", self.max_instances);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResourceInfo {
    pub name: String,
    pub shared_count: u64,
}

impl Wire for ResourceInfo {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(ResourceInfo {
            name: o.str_d("name", RESOURCE_NAME_LEN)?,
            shared_count: o.u64_d("sharedCount")?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kstr("name", &self.name);
        w.ku64("sharedCount", self.shared_count);
    }
}

/// One node of the unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitNodeInfo {
    /// `identity.codename`
    pub node_id: String,
    /// `identity.title`
    pub title: String,
    /// `nodeGroupSubject.codename`
    pub node_type: String,
    pub max_dmips: u64,
    pub physical_ram: Option<u64>,
    pub total_ram: u64,
    pub os_info: OsInfo,
    /// Written when non-empty.
    pub cpus: Vec<CpuInfo>,
    /// Attribute name → value, in order; written as a JSON object when non-empty. Names keep
    /// their case.
    pub attrs: Vec<(String, String)>,
    /// Written when non-empty.
    pub partitions: Vec<PartitionInfo>,
    pub state: NodeState,
    pub is_connected: bool,
    pub error: Option<ErrorInfo>,
    /// Written when non-empty.
    pub runtimes: Vec<RuntimeInfo>,
    /// Written when non-empty.
    pub resources: Vec<ResourceInfo>,
}

fn read_attrs(v: V<'_>) -> Result<Vec<(String, String)>> {
    let o = v.obj()?;
    let mut out = Vec::new();
    for (k, val) in o.entries() {
        if out.len() == MAX_NODE_ATTRIBUTES {
            return Err(v.err(DecodeErrorKind::TooMany {
                max: MAX_NODE_ATTRIBUTES,
                got: o.entries().count(),
            }));
        }
        if k.len() > NODE_ATTRIBUTE_NAME_LEN {
            return Err(v.err(DecodeErrorKind::Invalid(format!(
                "attribute name \"{k}\" exceeds {NODE_ATTRIBUTE_NAME_LEN} bytes"
            ))));
        }
        let value = V {
            v: val,
            path: super::json::Path::Key(&v.path, k),
        }
        .string(NODE_ATTRIBUTE_VALUE_LEN)?;
        out.push((k.to_string(), value));
    }
    Ok(out)
}

impl Wire for UnitNodeInfo {
    fn read(o: &Obj<'_>) -> Result<Self> {
        let (node_id, title) = o.obj_req("identity", |i| {
            Ok((
                i.str_req("codename", ID_LEN)?,
                i.str_d("title", NODE_TITLE_LEN)?,
            ))
        })?;
        Ok(UnitNodeInfo {
            node_id,
            title,
            node_type: o.obj_req("nodeGroupSubject", |n| n.str_req("codename", NODE_TYPE_LEN))?,
            max_dmips: o.u64_d("maxDmips")?,
            physical_ram: o.opt_u64("physicalRam")?,
            total_ram: o.u64_d("totalRam")?,
            os_info: o.obj_req("osInfo", OsInfo::read)?,
            cpus: o.objs_d("cpus", MAX_CPUS, CpuInfo::read)?,
            attrs: o
                .get("attrs")
                .map(read_attrs)
                .transpose()?
                .unwrap_or_default(),
            partitions: o.objs_d("partitions", MAX_PARTITIONS, PartitionInfo::read)?,
            state: NodeState::read(o.req("state")?)?,
            is_connected: o.bool_d("isConnected")?,
            error: read_error(o)?,
            runtimes: o.objs_d("runtimes", MAX_NODE_RUNTIMES, RuntimeInfo::read)?,
            resources: o.objs_d("resources", MAX_NODE_RESOURCES, ResourceInfo::read)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kobj("identity", |w| {
            w.kstr("codename", &self.node_id);
            w.kstr("title", &self.title);
        });
        w.kcodename("nodeGroupSubject", &self.node_type);
        w.ku64("maxDmips", self.max_dmips);
        if let Some(v) = self.physical_ram {
            w.ku64("physicalRam", v);
        }
        w.ku64("totalRam", self.total_ram);
        kwrite(w, "osInfo", &self.os_info);
        if !self.cpus.is_empty() {
            w.kobjs("cpus", &self.cpus, |w, x| x.write(w));
        }
        if !self.attrs.is_empty() {
            w.kobj("attrs", |w| {
                for (k, v) in &self.attrs {
                    w.key_dyn(k);
                    w.str(v);
                }
            });
        }
        if !self.partitions.is_empty() {
            w.kobjs("partitions", &self.partitions, |w, x| x.write(w));
        }
        w.kstr("state", self.state.as_str());
        w.kbool("isConnected", self.is_connected);
        write_error(w, &self.error);
        if !self.runtimes.is_empty() {
            w.kobjs("runtimes", &self.runtimes, |w, x| x.write(w));
        }
        if !self.resources.is_empty() {
            w.kobjs("resources", &self.resources, |w, x| x.write(w));
        }
    }
}

/// Reads `item` as `{"id"|"codename": ..., "type": ...}`.
fn read_item(o: &Obj<'_>) -> Result<(String, Option<UpdateItemType>, bool)> {
    o.obj_req("item", |i| {
        let (id, pre) = read_id_or_codename(i)?;
        let t = i.get("type").map(UpdateItemType::read).transpose()?;
        Ok((id, t, pre))
    })
}

fn write_item(w: &mut Writer, id: &str, t: Option<UpdateItemType>, preinstalled: bool) {
    w.kobj("item", |w| {
        write_id_or_codename(w, id, preinstalled);
        if let Some(t) = t {
            w.kstr("type", t.as_str());
        }
    });
}

/// Status of one update item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateItemStatus {
    pub item_id: String,
    pub item_type: Option<UpdateItemType>,
    /// Preinstalled items are written with `codename` instead of `id`.
    pub preinstalled: bool,
    pub version: String,
    pub state: ItemState,
    pub error: Option<ErrorInfo>,
}

impl Wire for UpdateItemStatus {
    fn read(o: &Obj<'_>) -> Result<Self> {
        let (item_id, item_type, preinstalled) = read_item(o)?;
        Ok(UpdateItemStatus {
            item_id,
            item_type,
            preinstalled,
            version: o.str_d("version", VERSION_LEN)?,
            state: ItemState::read(o.req("state")?)?,
            error: read_error(o)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        write_item(w, &self.item_id, self.item_type, self.preinstalled);
        w.kstr("version", &self.version);
        w.kstr("state", self.state.as_str());
        write_error(w, &self.error);
    }
}

/// Instances of one (item, subject, version), grouped as the reference groups them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitInstancesStatuses {
    pub item_id: String,
    pub item_type: Option<UpdateItemType>,
    pub subject_id: String,
    /// Preinstalled groups use `codename` for both item and subject.
    pub preinstalled: bool,
    pub version: String,
    pub instances: Vec<InstanceStatus>,
}

impl Wire for UnitInstancesStatuses {
    fn read(o: &Obj<'_>) -> Result<Self> {
        let (item_id, item_type, preinstalled) = read_item(o)?;
        let (subject_id, _) = o.obj_req("subject", read_id_or_codename)?;
        Ok(UnitInstancesStatuses {
            item_id,
            item_type,
            subject_id,
            preinstalled,
            version: o.str_d("version", VERSION_LEN)?,
            instances: o.objs_d("instances", MAX_INSTANCES, InstanceStatus::read)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        write_item(w, &self.item_id, self.item_type, self.preinstalled);
        w.kobj("subject", |w| {
            write_id_or_codename(w, &self.subject_id, self.preinstalled)
        });
        w.kstr("version", &self.version);
        w.kobjs("instances", &self.instances, |w, x| x.write(w));
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceStatus {
    pub node_id: String,
    pub runtime_id: String,
    pub instance: u64,
    /// SHA-256 of the state; written as lowercase hex when non-empty.
    pub state_checksum: Vec<u8>,
    pub state: InstanceState,
    pub error: Option<ErrorInfo>,
}

impl Wire for InstanceStatus {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(InstanceStatus {
            node_id: read_codename(o, "node")?,
            runtime_id: read_codename(o, "runtime")?,
            instance: o.u64_d("instance")?,
            state_checksum: hex_d(o, "stateChecksum", SHA256_SIZE)?,
            state: InstanceState::read(o.req("state")?)?,
            error: read_error(o)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kcodename("node", &self.node_id);
        w.kcodename("runtime", &self.runtime_id);
        w.ku64("instance", self.instance);
        if !self.state_checksum.is_empty() {
            w.key("stateChecksum");
            write_hex(w, &self.state_checksum);
        }
        w.kstr("state", self.state.as_str());
        write_error(w, &self.error);
    }
}
