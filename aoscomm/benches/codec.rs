//! Codec throughput: decode and encode of a ~200 KB `desiredStatus` and a ~4 KB `unitStatus`,
//! next to `serde_json::Value` parsing of the same bytes (the floor: no validation, no types).

use std::hint::black_box;
use std::time::Duration;

use aoscomm::protocol::*;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn header() -> Header {
    Header {
        system_id: "unit-7c1d2e3f4a5b".into(),
        created_at: Some("2026-12-03T10:00:00.123456Z".into()),
        txn: "3b1f1d4e-2b7c-4e11-9a0e-6c2a5d9f8e01".into(),
    }
}

/// ~200 KB: 256 instances with 4 labels, 64 items, 32 certificates of 2 KB, 8 chains, a 16-node
/// unit config.
fn desired_status() -> Envelope {
    let s = |n: std::ops::Range<u64>, f: &dyn Fn(u64) -> String| n.map(f).collect::<Vec<_>>();
    let rule = |x: f64| AlertRulePercents {
        min_timeout: Duration::from_secs(30),
        min_threshold: x,
        max_threshold: x + 10.5,
    };
    let nodes = (0..16)
        .map(|i| NodeConfig {
            version: "1.0.0".into(),
            node_id: format!("node-{i}"),
            node_type: "worker".into(),
            alert_rules: Some(AlertRules {
                ram: Some(rule(70.0)),
                cpu: Some(rule(75.25)),
                download: Some(AlertRulePoints {
                    min_timeout: Duration::from_secs(60),
                    min_threshold: 1 << 20,
                    max_threshold: 1 << 24,
                }),
                upload: None,
                partitions: vec![PartitionAlertRule {
                    name: "storage".into(),
                    min_timeout: Duration::from_secs(5),
                    min_threshold: 80.0,
                    max_threshold: 95.0,
                }],
            }),
            resource_ratios: Some(ResourceRatios {
                cpu: Some(50.0),
                ram: Some(60.0),
                storage: None,
                state: None,
            }),
            labels: vec!["edge".into(), format!("rack-{}", i % 4)],
            priority: i,
        })
        .collect();
    let payload = DesiredStatus {
        nodes: (0..16)
            .map(|i| DesiredNodeStatus {
                node_id: format!("node-{i}"),
                state: DesiredNodeState::Provisioned,
            })
            .collect(),
        unit_config: Some(UnitConfig {
            format_version: "7".into(),
            version: "2.4.1".into(),
            nodes,
        }),
        items: (0..64)
            .map(|i| DesiredItem {
                item_id: format!("service-{i:04}"),
                item_type: UpdateItemType::Service,
                version: format!("1.{i}.0"),
                owner_id: "owner-fleet-ops".into(),
                index_digest: format!("sha256:{:064x}", i * 7919),
            })
            .collect(),
        instances: (0..256)
            .map(|i| DesiredInstance {
                item_id: format!("service-{:04}", i % 64),
                subject_id: format!("subject-group-{:016}", i % 8),
                priority: i % 5,
                num_instances: 1 + i % 3,
                labels: s(0..4, &|j| {
                    format!("edge-cluster-availability-zone-{j}-rack-{:04}-ab", i % 16)
                }),
            })
            .collect(),
        subjects: (0..8)
            .map(|i| DesiredSubject {
                subject_id: format!("subject-group-{i:016}"),
                subject_type: SubjectType::Group,
                is_reported_from_unit: false,
            })
            .collect(),
        certificates: (0..32)
            .map(|i| DesiredCertificate {
                certificate: (0..2048u32)
                    .map(|b| (b.wrapping_mul(31).wrapping_add(i)) as u8)
                    .collect(),
                fingerprint: format!("{:064x}", u64::from(i) * 104_729),
            })
            .collect(),
        certificate_chains: (0..8)
            .map(|i| CertificateChain {
                name: format!("chain-{i}"),
                fingerprints: s(0..4, &|j| format!("{:064x}", i * 4 + j)),
            })
            .collect(),
    };
    Envelope {
        header: header(),
        data: Data::with_correlation_id(Payload::DesiredStatus(payload), ""),
    }
}

/// ~4 KB: two nodes with CPUs, partitions and runtimes, items and instances.
fn unit_status() -> Envelope {
    let os = OsInfo {
        os: "linux".into(),
        version: "6.6".into(),
        features: vec!["cgroups-v2".into()],
    };
    let arch = ArchInfo {
        architecture: "aarch64".into(),
        variant: "v8".into(),
    };
    let node = |i: u64| UnitNodeInfo {
        node_id: format!("node-{i}"),
        title: format!("Node {i}"),
        node_type: "worker".into(),
        max_dmips: 20_000,
        physical_ram: Some(8 << 30),
        total_ram: 7 << 30,
        os_info: os.clone(),
        cpus: vec![CpuInfo {
            model_name: "Cortex-A72".into(),
            total_num_cores: 4,
            total_num_threads: 4,
            arch_info: arch.clone(),
            max_dmips: Some(5000),
        }],
        attrs: vec![("zone".into(), "b2".into()), ("rack".into(), "7".into())],
        partitions: vec![PartitionInfo {
            name: "storage".into(),
            path: "/var/aos/storage".into(),
            types: vec!["storage".into()],
            total_size: 64 << 30,
        }],
        state: NodeState::Provisioned,
        is_connected: true,
        error: None,
        runtimes: vec![RuntimeInfo {
            runtime_id: "runc".into(),
            runtime_type: "runc".into(),
            arch_info: arch.clone(),
            os_info: os.clone(),
            max_dmips: None,
            allowed_dmips: None,
            total_ram: None,
            allowed_ram: None,
            max_instances: 32,
        }],
        resources: vec![],
    };
    let payload = UnitStatus {
        is_delta_info: false,
        unit_config: Some(vec![UnitConfigStatus {
            version: "2.4.1".into(),
            state: UnitConfigState::Installed,
            error: None,
        }]),
        nodes: Some(vec![node(0), node(1)]),
        items: Some(
            (0..12)
                .map(|i| UpdateItemStatus {
                    item_id: format!("service-{i:04}"),
                    item_type: Some(UpdateItemType::Service),
                    preinstalled: false,
                    version: "1.0.0".into(),
                    state: ItemState::Installed,
                    error: None,
                })
                .collect(),
        ),
        instances: Some(
            (0..6)
                .map(|i| UnitInstancesStatuses {
                    item_id: format!("service-{i:04}"),
                    item_type: Some(UpdateItemType::Service),
                    subject_id: "subject-1".into(),
                    preinstalled: false,
                    version: "1.0.0".into(),
                    instances: (0..2)
                        .map(|n| InstanceStatus {
                            node_id: format!("node-{n}"),
                            runtime_id: "runc".into(),
                            instance: n,
                            state_checksum: vec![0xab; 32],
                            state: InstanceState::Active,
                            error: None,
                        })
                        .collect(),
                })
                .collect(),
        ),
        subjects: Some(vec!["subject-1".into()]),
    };
    Envelope {
        header: header(),
        data: Data::new(Payload::UnitStatus(payload)),
    }
}

fn bench(c: &mut Criterion) {
    for (name, env) in [
        ("desiredStatus", desired_status()),
        ("unitStatus", unit_status()),
    ] {
        let bytes = env.encode().expect("encode");
        assert_eq!(Envelope::decode(&bytes).expect("decode"), env);
        let mut g = c.benchmark_group(format!("{name}_{}KB", bytes.len() / 1024));
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function("decode", |b| {
            b.iter(|| Envelope::decode(black_box(&bytes)).expect("decode"))
        });
        g.bench_function("encode", |b| {
            b.iter(|| black_box(&env).encode().expect("encode"))
        });
        g.bench_function("serde_json_value_parse", |b| {
            b.iter(|| {
                serde_json::from_slice::<serde_json::Value>(black_box(&bytes)).expect("parse")
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
