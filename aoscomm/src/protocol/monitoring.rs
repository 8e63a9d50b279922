//! `monitoringData` (unit → cloud, §3.5).

use super::common::{read_codename, InstanceIdent, Wire};
use super::encoding::Timestamp;
use super::enums::{InstanceState, NodeState};
use super::json::{Obj, Result, Writer};
use super::limits::*;

/// `monitoringData` data.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MonitoringData {
    pub nodes: Vec<NodeMonitoring>,
    /// Written only when non-empty.
    pub instances: Vec<InstanceMonitoring>,
}

impl Wire for MonitoringData {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(MonitoringData {
            nodes: o.objs_d("nodes", MAX_NODES, NodeMonitoring::read)?,
            instances: o.objs_d("instances", MAX_INSTANCES, InstanceMonitoring::read)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kobjs("nodes", &self.nodes, |w, n| n.write(w));
        if !self.instances.is_empty() {
            w.kobjs("instances", &self.instances, |w, n| n.write(w));
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeMonitoring {
    pub node_id: String,
    /// Written only when non-empty.
    pub node_states: Vec<NodeStateInfo>,
    pub items: Vec<MonitoringItem>,
}

impl Wire for NodeMonitoring {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(NodeMonitoring {
            node_id: read_codename(o, "node")?,
            node_states: o.objs_d("nodeStates", MAX_MONITORING_ITEMS, NodeStateInfo::read)?,
            items: o.objs_d("items", MAX_MONITORING_ITEMS, MonitoringItem::read)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kcodename("node", &self.node_id);
        if !self.node_states.is_empty() {
            w.kobjs("nodeStates", &self.node_states, |w, s| s.write(w));
        }
        w.kobjs("items", &self.items, |w, s| s.write(w));
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeStateInfo {
    pub timestamp: Timestamp,
    pub state: NodeState,
    pub is_connected: bool,
}

impl Wire for NodeStateInfo {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(NodeStateInfo {
            timestamp: Timestamp::read(o.req("timestamp")?)?,
            state: NodeState::read(o.req("state")?)?,
            is_connected: o.bool_d("isConnected")?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.key("timestamp");
        self.timestamp.write(w);
        w.kstr("state", self.state.as_str());
        w.kbool("isConnected", self.is_connected);
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct InstanceMonitoring {
    pub instance: InstanceIdent,
    pub node_id: String,
    pub item_states: Vec<InstanceStateInfo>,
    pub items: Vec<MonitoringItem>,
}

impl Wire for InstanceMonitoring {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(InstanceMonitoring {
            instance: InstanceIdent::read(o)?,
            node_id: read_codename(o, "node")?,
            item_states: o.objs_d("itemStates", MAX_MONITORING_ITEMS, InstanceStateInfo::read)?,
            items: o.objs_d("items", MAX_MONITORING_ITEMS, MonitoringItem::read)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        self.instance.write(w);
        w.kcodename("node", &self.node_id);
        w.kobjs("itemStates", &self.item_states, |w, s| s.write(w));
        w.kobjs("items", &self.items, |w, s| s.write(w));
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceStateInfo {
    pub timestamp: Timestamp,
    pub state: InstanceState,
}

impl Wire for InstanceStateInfo {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(InstanceStateInfo {
            timestamp: Timestamp::read(o.req("timestamp")?)?,
            state: InstanceState::read(o.req("state")?)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.key("timestamp");
        self.timestamp.write(w);
        w.kstr("state", self.state.as_str());
    }
}

/// One resource sample.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitoringItem {
    pub timestamp: Timestamp,
    pub ram: u64,
    pub cpu: f64,
    pub download: u64,
    pub upload: u64,
    /// Written only when non-empty.
    pub partitions: Vec<PartitionUsage>,
}

impl Wire for MonitoringItem {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(MonitoringItem {
            timestamp: Timestamp::read(o.req("timestamp")?)?,
            ram: o.u64_d("ram")?,
            cpu: o.f64_d("cpu")?,
            download: o.u64_d("download")?,
            upload: o.u64_d("upload")?,
            partitions: o.objs_d("partitions", MAX_PARTITIONS, PartitionUsage::read)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.key("timestamp");
        self.timestamp.write(w);
        w.ku64("ram", self.ram);
        w.kf64("cpu", self.cpu);
        w.ku64("download", self.download);
        w.ku64("upload", self.upload);
        if !self.partitions.is_empty() {
            w.kobjs("partitions", &self.partitions, |w, p| p.write(w));
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PartitionUsage {
    pub name: String,
    pub used_size: u64,
}

impl Wire for PartitionUsage {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(PartitionUsage {
            name: o.str_d("name", PARTITION_NAME_LEN)?,
            used_size: o.u64_d("usedSize")?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kstr("name", &self.name);
        w.ku64("usedSize", self.used_size);
    }
}
