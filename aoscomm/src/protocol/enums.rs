//! The string enums of protocol-v7.md §2.8: exact, case-sensitive wire strings.

use super::error::DecodeErrorKind;
use super::json::{Result, V};

macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            /// Every value, in the reference's index order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every wire string, in the reference's index order.
            pub const STRINGS: &'static [&'static str] = &[$($s),+];

            /// The wire string.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }

            /// Parses the exact wire string (case-sensitive).
            pub fn from_wire(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$variant),)+ _ => None }
            }

            pub(crate) fn read(v: V<'_>) -> Result<Self> {
                let s = v.str_cow()?;
                Self::from_wire(&s).ok_or_else(|| {
                    v.err(DecodeErrorKind::InvalidEnum {
                        enum_name: stringify!($name),
                        value: s.into_owned(),
                        allowed: Self::STRINGS,
                    })
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> std::result::Result<Self, String> {
                Self::from_wire(s).ok_or_else(|| format!(
                    "\"{s}\" is not a {} (one of {})", stringify!($name), Self::STRINGS.join(", ")))
            }
        }
    };
}

wire_enum!(
    /// Kind of an update item or identity (`AosIdentity.type`).
    UpdateItemType {
        Service = "service",
        Component = "component",
        Layer = "layer",
        Subject = "subject",
        Oem = "oem",
        Sp = "sp",
        Fleet = "fleet",
        Node = "node",
        NodeSubject = "node-subject",
        Runtime = "runtime",
    }
);

wire_enum!(
    /// Certificate type. A missing `type` in renew/issued certificates defaults to `Offline`.
    CertType {
        Offline = "offline",
        Online = "online",
        Sm = "sm",
        Cm = "cm",
        Iam = "iam",
        /// The reference's sentinel; it parses and is written back as `unknown`.
        Unknown = "unknown",
    }
);

wire_enum!(
    /// State of an update item in `unitStatus.items`.
    ItemState {
        Unknown = "unknown",
        Downloading = "downloading",
        Pending = "pending",
        Installing = "installing",
        Installed = "installed",
        Removing = "removing",
        Removed = "removed",
        Failed = "failed",
    }
);

wire_enum!(
    /// State of a service instance.
    InstanceState {
        Activating = "activating",
        Active = "active",
        Inactive = "inactive",
        Failed = "failed",
    }
);

wire_enum!(
    /// State of a node.
    NodeState {
        Unprovisioned = "unprovisioned",
        Provisioned = "provisioned",
        Paused = "paused",
        Error = "error",
    }
);

wire_enum!(
    /// Node state the cloud asks for in `desiredStatus.nodes`.
    DesiredNodeState {
        Provisioned = "provisioned",
        Paused = "paused",
    }
);

wire_enum!(
    /// Kind of a subject.
    SubjectType {
        Group = "group",
        User = "user",
    }
);

wire_enum!(
    /// State of a unit configuration.
    UnitConfigState {
        Absent = "absent",
        Installed = "installed",
        Failed = "failed",
    }
);

wire_enum!(
    /// AosCore component named in a core alert.
    CoreComponent {
        Cm = "CM",
        Sm = "SM",
        Iam = "IAM",
        Mp = "MP",
    }
);

wire_enum!(
    /// Alert item tag; selects the item's keys.
    AlertTag {
        SystemAlert = "systemAlert",
        CoreAlert = "coreAlert",
        ResourceAllocateAlert = "resourceAllocateAlert",
        SystemQuotaAlert = "systemQuotaAlert",
        InstanceQuotaAlert = "instanceQuotaAlert",
        DownloadProgressAlert = "downloadProgressAlert",
        UpdateItemInstanceAlert = "updateItemInstanceAlert",
    }
);

wire_enum!(
    /// State of a download in a download-progress alert.
    DownloadState {
        Started = "started",
        Paused = "paused",
        Interrupted = "interrupted",
        Finished = "finished",
    }
);

wire_enum!(
    /// Kind of log the cloud requests.
    LogType {
        SystemLog = "systemLog",
        InstanceLog = "instanceLog",
        CrashLog = "crashLog",
    }
);

wire_enum!(
    /// Status of a pushed log part.
    LogStatus {
        Ok = "ok",
        Error = "error",
        Empty = "empty",
        Absent = "absent",
    }
);

wire_enum!(
    /// How a requested log is uploaded.
    LogUploadType {
        Https = "https",
    }
);

wire_enum!(
    /// The cloud's verdict on a reported state.
    StateResult {
        Accepted = "accepted",
        Rejected = "rejected",
    }
);

/// `errorCode` of a service-discovery response (integers on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DiscoveryErrorCode {
    #[default]
    NoError = 0,
    Redirect = 1,
    RepeatLater = 2,
    Error = 3,
}

impl DiscoveryErrorCode {
    pub const ALL: &'static [DiscoveryErrorCode] = &[
        DiscoveryErrorCode::NoError,
        DiscoveryErrorCode::Redirect,
        DiscoveryErrorCode::RepeatLater,
        DiscoveryErrorCode::Error,
    ];

    pub fn from_code(n: u64) -> Option<Self> {
        Self::ALL.get(usize::try_from(n).ok()?).copied()
    }

    pub fn code(self) -> u64 {
        self as u64
    }

    pub(crate) fn read(v: V<'_>) -> Result<Self> {
        let n = v.u64()?;
        Self::from_code(n).ok_or_else(|| {
            v.err(DecodeErrorKind::Invalid(format!(
                "errorCode {n} is not one of 0 (NoError), 1 (Redirect), 2 (RepeatLater), 3 (Error)"
            )))
        })
    }
}
