"""Typed shapes of the ``data`` object of the 26 AosCloud protocol v7 message types.

Every frame is ``{"header": {...}, "data": {...}}``; this module describes ``data`` only, with the
exact wire keys (camelCase) that the canonical ``aoscomm`` encoder writes. There is one
``TypedDict`` per message type (``UnitStatusData``, ``DesiredStatusData``, ``AckData``, ...), and
one per nested protocol object (``InstanceIdent``, ``ErrorInfo``, ``NodeMonitoring``,
``DesiredInstance``, ...). ``Data`` is the union of the 26 message types, ``DATA_TYPES`` maps a
wire ``messageType`` to its ``TypedDict``, and ``UNIT_TO_CLOUD`` / ``CLOUD_TO_UNIT`` hold the type
names by the direction the reference unit uses them (``ack`` is in both; ``nack`` is sent by the
cloud only).

Conventions:

* A key is *required* when the canonical encoder always writes it, and *optional*
  (``total=False``) when it is written only if set, non-empty or on error. ``messageType`` is
  always required and ``correlationId`` is always optional (written only when non-empty).
  Decoding is more lenient than these types: keys the reference reads with a default may be
  missing on input, keys match case-insensitively, and ``null`` counts as absent.
* Timestamps (``YYYY-MM-DDTHH:MM:SS.ffffffZ``), alert-rule ``minTimeout`` durations (ISO 8601,
  e.g. ``PT1M30S``), lowercase-hex checksums and base64 content are ``str``.
* Doubles (``cpu``, thresholds, resource ratios) are ``float``; whole doubles are written without
  ``.0``, so a JSON integer may appear there. Counters, sizes and ids are ``int``.
* Enum strings are ``Literal`` aliases (``CertType``, ``NodeState``, ...).
* A flattened ``InstanceIdent`` (``item``, ``subject``, ``instance``) or ``InstanceFilter`` is
  expressed by inheriting from that ``TypedDict``.

Only ``typing`` is used, so the module imports on CPython 3.9 and later.
"""

from typing import Dict, FrozenSet, List, Literal, TypedDict, Union

__all__ = [
    # enum strings
    "MessageType",
    "UpdateItemType",
    "CertType",
    "ItemState",
    "InstanceState",
    "NodeState",
    "DesiredNodeState",
    "SubjectType",
    "UnitConfigState",
    "CoreComponent",
    "AlertTag",
    "DownloadState",
    "LogType",
    "LogStatus",
    "LogUploadType",
    "StateResult",
    # shared objects
    "ErrorInfo",
    "AosIdentity",
    "IdRef",
    "CodenameRef",
    "IdOrCodenameRef",
    "UpdateItemRef",
    "InstanceIdent",
    "InstanceFilter",
    # alerts
    "SystemAlert",
    "CoreAlert",
    "ResourceAllocateAlert",
    "SystemQuotaAlert",
    "InstanceQuotaAlert",
    "DownloadProgressAlert",
    "UpdateItemInstanceAlert",
    "Alert",
    # blobs
    "DecryptInfo",
    "SignInfo",
    "BlobInfo",
    # desired status and unit config
    "DesiredNodeStatus",
    "DesiredItem",
    "DesiredInstance",
    "DesiredSubject",
    "DesiredCertificate",
    "CertificateChain",
    "AlertRulePercents",
    "AlertRulePoints",
    "PartitionAlertRule",
    "AlertRules",
    "ResourceRatios",
    "NodeConfig",
    "UnitConfig",
    # certificates and provisioning
    "RenewCertificate",
    "NodeSecret",
    "UnitSecrets",
    "CertificateRequest",
    "IssuedCertificate",
    "InstalledCertificate",
    "CsrInfo",
    "ProvisioningCertificate",
    # environment variables
    "EnvVar",
    "EnvVarsInstance",
    "EnvVarStatus",
    # logs
    "LogFilter",
    "UploadOptions",
    # monitoring
    "NodeStateInfo",
    "InstanceStateInfo",
    "PartitionUsage",
    "MonitoringItem",
    "NodeMonitoring",
    "InstanceMonitoring",
    # unit status
    "UnitConfigStatus",
    "NodeIdentity",
    "OsInfo",
    "ArchInfo",
    "CpuInfo",
    "PartitionInfo",
    "RuntimeInfo",
    "ResourceInfo",
    "UnitNodeInfo",
    "UpdateItemStatus",
    "InstanceStatus",
    "UnitInstancesStatuses",
    # message data
    "AckData",
    "AlertsData",
    "BlobUrlsData",
    "DeprovisioningRequestData",
    "DeprovisioningResponseData",
    "DesiredStatusData",
    "FinishProvisioningRequestData",
    "FinishProvisioningResponseData",
    "InstallUnitCertificatesConfirmationData",
    "IssuedUnitCertificatesData",
    "IssueUnitCertificatesData",
    "MonitoringDataData",
    "NackData",
    "NewStateData",
    "OverrideEnvVarsData",
    "OverrideEnvVarsStatusData",
    "PushLogData",
    "RenewCertificatesNotificationData",
    "RequestBlobUrlsData",
    "RequestLogData",
    "StartProvisioningRequestData",
    "StartProvisioningResponseData",
    "StateAcceptanceData",
    "StateRequestData",
    "UnitStatusData",
    "UpdateStateData",
    "Data",
    "DATA_TYPES",
    "UNIT_TO_CLOUD",
    "CLOUD_TO_UNIT",
]

# ---------------------------------------------------------------------------------------------
# Enum strings (protocol-v7.md §2.8): exact, case-sensitive.

MessageType = Literal[
    "ack",
    "alerts",
    "blobUrls",
    "deprovisioningRequest",
    "deprovisioningResponse",
    "desiredStatus",
    "finishProvisioningRequest",
    "finishProvisioningResponse",
    "installUnitCertificatesConfirmation",
    "issuedUnitCertificates",
    "issueUnitCertificates",
    "monitoringData",
    "nack",
    "newState",
    "overrideEnvVars",
    "overrideEnvVarsStatus",
    "pushLog",
    "renewCertificatesNotification",
    "requestBlobUrls",
    "requestLog",
    "startProvisioningRequest",
    "startProvisioningResponse",
    "stateAcceptance",
    "stateRequest",
    "unitStatus",
    "updateState",
]
UpdateItemType = Literal[
    "service",
    "component",
    "layer",
    "subject",
    "oem",
    "sp",
    "fleet",
    "node",
    "node-subject",
    "runtime",
]
# "unknown" is the reference's sentinel; it parses and is written back.
CertType = Literal["offline", "online", "sm", "cm", "iam", "unknown"]
ItemState = Literal[
    "unknown",
    "downloading",
    "pending",
    "installing",
    "installed",
    "removing",
    "removed",
    "failed",
]
InstanceState = Literal["activating", "active", "inactive", "failed"]
NodeState = Literal["unprovisioned", "provisioned", "paused", "error"]
DesiredNodeState = Literal["provisioned", "paused"]
SubjectType = Literal["group", "user"]
UnitConfigState = Literal["absent", "installed", "failed"]
CoreComponent = Literal["CM", "SM", "IAM", "MP"]
AlertTag = Literal[
    "systemAlert",
    "coreAlert",
    "resourceAllocateAlert",
    "systemQuotaAlert",
    "instanceQuotaAlert",
    "downloadProgressAlert",
    "updateItemInstanceAlert",
]
DownloadState = Literal["started", "paused", "interrupted", "finished"]
LogType = Literal["systemLog", "instanceLog", "crashLog"]
LogStatus = Literal["ok", "error", "empty", "absent"]
LogUploadType = Literal["https"]
StateResult = Literal["accepted", "rejected"]

# ---------------------------------------------------------------------------------------------
# Shared sub-objects (§2)


class ErrorInfo(TypedDict):
    """Error object (key ``errorInfo``, §2.1); written only on error."""

    aosCode: int
    exitCode: int
    message: str


class AosIdentity(TypedDict, total=False):
    """Generic identity object (§2.2); every key optional."""

    id: str
    codename: str
    type: UpdateItemType
    title: str


class IdRef(TypedDict):
    """A cloud-side entity reference ``{"id": ...}`` (item, subject, owner)."""

    id: str


class CodenameRef(TypedDict):
    """A unit-side reference ``{"codename": ...}`` (node, runtime, nodeGroupSubject, subject)."""

    codename: str


# `{"id": x}`, or `{"codename": x}` for a preinstalled item or subject (§2.3).
IdOrCodenameRef = Union[IdRef, CodenameRef]


class UpdateItemRef(TypedDict):
    """``desiredStatus.items[].item``: ``{"id": ..., "type": ...}``."""

    id: str
    type: UpdateItemType


class InstanceIdent(TypedDict):
    """Identifies one service instance (§2.3); flattened into its parent object."""

    item: IdOrCodenameRef
    subject: IdOrCodenameRef
    instance: int


class InstanceFilter(TypedDict, total=False):
    """Selects instances (§2.4); an absent key matches anything. Flattened into its parent."""

    item: IdRef
    subject: IdRef
    instance: int


# ---------------------------------------------------------------------------------------------
# alerts (§3.4): one item shape per tag


class SystemAlert(TypedDict):
    """Alert item with tag ``systemAlert``."""

    timestamp: str
    tag: Literal["systemAlert"]
    node: CodenameRef
    message: str


class CoreAlert(TypedDict):
    """Alert item with tag ``coreAlert``."""

    timestamp: str
    tag: Literal["coreAlert"]
    node: CodenameRef
    coreComponent: CoreComponent
    message: str


class ResourceAllocateAlert(InstanceIdent):
    """Alert item with tag ``resourceAllocateAlert``."""

    timestamp: str
    tag: Literal["resourceAllocateAlert"]
    node: CodenameRef
    deviceId: str
    message: str


class SystemQuotaAlert(TypedDict):
    """Alert item with tag ``systemQuotaAlert`` (the quota state is not on the wire)."""

    timestamp: str
    tag: Literal["systemQuotaAlert"]
    node: CodenameRef
    parameter: str
    value: int


class InstanceQuotaAlert(InstanceIdent):
    """Alert item with tag ``instanceQuotaAlert`` (the quota state is not on the wire)."""

    timestamp: str
    tag: Literal["instanceQuotaAlert"]
    parameter: str
    value: int


class _DownloadProgressAlertRequired(TypedDict):
    timestamp: str
    tag: Literal["downloadProgressAlert"]
    digest: str
    url: str
    downloadedBytes: int
    totalBytes: int
    state: DownloadState


class DownloadProgressAlert(_DownloadProgressAlertRequired, total=False):
    """Alert item with tag ``downloadProgressAlert``."""

    reason: str
    errorInfo: ErrorInfo


class UpdateItemInstanceAlert(InstanceIdent):
    """Alert item with tag ``updateItemInstanceAlert``."""

    timestamp: str
    tag: Literal["updateItemInstanceAlert"]
    version: str
    message: str


Alert = Union[
    SystemAlert,
    CoreAlert,
    ResourceAllocateAlert,
    SystemQuotaAlert,
    InstanceQuotaAlert,
    DownloadProgressAlert,
    UpdateItemInstanceAlert,
]

# ---------------------------------------------------------------------------------------------
# blobUrls (§3.16)


class DecryptInfo(TypedDict):
    """How to decrypt a downloaded blob; ``blockIv`` and ``blockKey`` are base64."""

    blockAlg: str
    blockIv: str
    blockKey: str


class SignInfo(TypedDict):
    """How to check a blob's signature; ``value`` is base64, ``trustedTimestamp`` a timestamp."""

    chainName: str
    alg: str
    value: str
    trustedTimestamp: str
    ocspValues: List[str]


class _BlobInfoRequired(TypedDict):
    digest: str
    urls: List[str]
    sha256: str
    size: int


class BlobInfo(_BlobInfoRequired, total=False):
    """One blob of ``blobUrls.items``; ``sha256`` is lowercase hex."""

    decryptInfo: DecryptInfo
    signInfo: SignInfo


# ---------------------------------------------------------------------------------------------
# desiredStatus (§3.17) and UnitConfig / NodeConfig (§3.18)


class DesiredNodeStatus(TypedDict):
    """``desiredStatus.nodes[]``: the node (``item.codename``) and its desired state."""

    item: CodenameRef
    state: DesiredNodeState


class DesiredItem(TypedDict):
    """``desiredStatus.items[]``: an update item to install."""

    item: UpdateItemRef
    version: str
    owner: IdRef
    indexDigest: str


class DesiredInstance(TypedDict):
    """``desiredStatus.instances[]``: how many instances of an item to run for a subject."""

    item: IdRef
    subject: IdRef
    priority: int
    numInstances: int
    labels: List[str]


class DesiredSubject(TypedDict):
    """``desiredStatus.subjects[]``."""

    identity: IdRef
    type: SubjectType
    isReportedFromUnit: bool


class DesiredCertificate(TypedDict):
    """``desiredStatus.certificates[]``; ``certificate`` is base64 DER (CRLF-wrapped)."""

    certificate: str
    fingerprint: str


class CertificateChain(TypedDict):
    """``desiredStatus.certificateChains[]``."""

    name: str
    fingerprints: List[str]


class _AlertRulePercentsRequired(TypedDict):
    minThreshold: float
    maxThreshold: float


class AlertRulePercents(_AlertRulePercentsRequired, total=False):
    """Alert rule in percent (``ram``, ``cpu``); ``minTimeout`` is an ISO 8601 duration."""

    minTimeout: str


class _AlertRulePointsRequired(TypedDict):
    minThreshold: int
    maxThreshold: int


class AlertRulePoints(_AlertRulePointsRequired, total=False):
    """Alert rule in absolute points (``download``, ``upload``)."""

    minTimeout: str


class _PartitionAlertRuleRequired(TypedDict):
    minThreshold: float
    maxThreshold: float
    name: str


class PartitionAlertRule(_PartitionAlertRuleRequired, total=False):
    """Percent alert rule for one partition (``alertRules.partitions[]``)."""

    minTimeout: str


class _AlertRulesRequired(TypedDict):
    partitions: List[PartitionAlertRule]


class AlertRules(_AlertRulesRequired, total=False):
    """Alert thresholds of a node; ``partitions`` is always written."""

    ram: AlertRulePercents
    cpu: AlertRulePercents
    download: AlertRulePoints
    upload: AlertRulePoints


class ResourceRatios(TypedDict, total=False):
    """Resource ratios of a node; each key written when set."""

    cpu: float
    ram: float
    storage: float
    state: float


class _NodeConfigRequired(TypedDict):
    nodeGroupSubject: CodenameRef
    priority: int


class NodeConfig(_NodeConfigRequired, total=False):
    """Configuration of one node (``unitConfig.nodes[]``)."""

    version: str
    node: CodenameRef
    alertRules: AlertRules
    resourceRatios: ResourceRatios
    labels: List[str]


class UnitConfig(TypedDict):
    """Unit configuration (``desiredStatus.unitConfig``)."""

    formatVersion: str
    version: str
    nodes: List[NodeConfig]


# ---------------------------------------------------------------------------------------------
# Certificates (§3.19-3.22) and provisioning (§3.23-3.27)


class _RenewCertificateRequired(TypedDict):
    type: CertType
    node: CodenameRef
    serial: str


class RenewCertificate(_RenewCertificateRequired, total=False):
    """``renewCertificatesNotification.certificates[]``; ``validTill`` is a timestamp."""

    validTill: str


class NodeSecret(TypedDict):
    """``unitSecrets.nodes[]``."""

    node: CodenameRef
    secret: str


class UnitSecrets(TypedDict):
    """``renewCertificatesNotification.unitSecrets``."""

    version: str
    nodes: List[NodeSecret]


class CertificateRequest(TypedDict):
    """``issueUnitCertificates.requests[]``; ``csr`` is PEM."""

    type: CertType
    node: CodenameRef
    csr: str


class IssuedCertificate(TypedDict):
    """``issuedUnitCertificates.certificates[]``; ``certificateChain`` is PEM."""

    type: CertType
    node: CodenameRef
    certificateChain: str


class _InstalledCertificateRequired(TypedDict):
    type: CertType
    node: CodenameRef
    serial: str


class InstalledCertificate(_InstalledCertificateRequired, total=False):
    """``installUnitCertificatesConfirmation.certificates[]``; ``serial`` is ``""`` on error."""

    errorInfo: ErrorInfo


class CsrInfo(TypedDict):
    """``startProvisioningResponse.csrs[]``; ``csr`` is PEM."""

    type: CertType
    csr: str


class ProvisioningCertificate(TypedDict):
    """``finishProvisioningRequest.certificates[]``; ``chain`` is PEM."""

    type: CertType
    chain: str


# ---------------------------------------------------------------------------------------------
# Environment variables (§3.13-3.14)


class _EnvVarRequired(TypedDict):
    name: str
    value: str


class EnvVar(_EnvVarRequired, total=False):
    """One variable to override; ``ttl`` is an absolute expiry timestamp."""

    ttl: str


class _EnvVarsInstanceRequired(TypedDict):
    variables: List[EnvVar]


class EnvVarsInstance(_EnvVarsInstanceRequired, InstanceFilter):
    """``overrideEnvVars.items[]``: an InstanceFilter plus its variables."""


class _EnvVarStatusRequired(InstanceIdent):
    name: str


class EnvVarStatus(_EnvVarStatusRequired, total=False):
    """``overrideEnvVarsStatus.statuses[]``: one entry per variable."""

    errorInfo: ErrorInfo


# ---------------------------------------------------------------------------------------------
# Logs (§3.11-3.12)

# `from` is a Python keyword, hence the functional syntax.
_LogFilterTimes = TypedDict("_LogFilterTimes", {"from": str, "till": str}, total=False)


class _LogFilterRequired(_LogFilterTimes):
    nodeIds: List[CodenameRef]


class LogFilter(_LogFilterRequired, InstanceFilter):
    """``requestLog.filter``: optional ``from``/``till`` timestamps, nodes, InstanceFilter."""


class _UploadOptionsRequired(TypedDict):
    type: LogUploadType
    url: str
    bearerToken: str


class UploadOptions(_UploadOptionsRequired, total=False):
    """``requestLog.uploadOptions``; ``bearerTokenTtl`` is a timestamp."""

    bearerTokenTtl: str


# ---------------------------------------------------------------------------------------------
# monitoringData (§3.5)


class NodeStateInfo(TypedDict):
    """``nodes[].nodeStates[]``: a node state change."""

    timestamp: str
    state: NodeState
    isConnected: bool


class InstanceStateInfo(TypedDict):
    """``instances[].itemStates[]``: an instance state change."""

    timestamp: str
    state: InstanceState


class PartitionUsage(TypedDict):
    """Used size of one partition in a monitoring sample."""

    name: str
    usedSize: int


class _MonitoringItemRequired(TypedDict):
    timestamp: str
    ram: int
    cpu: float
    download: int
    upload: int


class MonitoringItem(_MonitoringItemRequired, total=False):
    """One resource sample (the reference's ``MonitoringData`` object)."""

    partitions: List[PartitionUsage]


class _NodeMonitoringRequired(TypedDict):
    node: CodenameRef
    items: List[MonitoringItem]


class NodeMonitoring(_NodeMonitoringRequired, total=False):
    """``monitoringData.nodes[]``."""

    nodeStates: List[NodeStateInfo]


class InstanceMonitoring(InstanceIdent):
    """``monitoringData.instances[]``."""

    node: CodenameRef
    itemStates: List[InstanceStateInfo]
    items: List[MonitoringItem]


# ---------------------------------------------------------------------------------------------
# unitStatus (§3.6)


class _UnitConfigStatusRequired(TypedDict):
    state: UnitConfigState


class UnitConfigStatus(_UnitConfigStatusRequired, total=False):
    """``unitStatus.unitConfig[]``."""

    version: str
    errorInfo: ErrorInfo


class NodeIdentity(TypedDict):
    """``unitStatus.nodes[].identity``: node ID and title."""

    codename: str
    title: str


class _OsInfoRequired(TypedDict):
    os: str


class OsInfo(_OsInfoRequired, total=False):
    """OS description of a node or runtime."""

    version: str
    features: List[str]


class _ArchInfoRequired(TypedDict):
    architecture: str


class ArchInfo(_ArchInfoRequired, total=False):
    """CPU architecture of a CPU or runtime."""

    variant: str


class _CpuInfoRequired(TypedDict):
    modelName: str
    totalNumCores: int
    totalNumThreads: int
    archInfo: ArchInfo


class CpuInfo(_CpuInfoRequired, total=False):
    """``unitStatus.nodes[].cpus[]``."""

    maxDmips: int


class _PartitionInfoRequired(TypedDict):
    name: str
    types: List[str]
    totalSize: int


class PartitionInfo(_PartitionInfoRequired, total=False):
    """``unitStatus.nodes[].partitions[]``."""

    path: str


class _RuntimeInfoRequired(TypedDict):
    identity: CodenameRef
    runtimeType: str
    archInfo: ArchInfo
    osInfo: OsInfo
    maxInstances: int


class RuntimeInfo(_RuntimeInfoRequired, total=False):
    """``unitStatus.nodes[].runtimes[]``."""

    maxDmips: int
    allowedDmips: int
    totalRam: int
    allowedRam: int


class ResourceInfo(TypedDict):
    """``unitStatus.nodes[].resources[]``."""

    name: str
    sharedCount: int


class _UnitNodeInfoRequired(TypedDict):
    identity: NodeIdentity
    nodeGroupSubject: CodenameRef
    maxDmips: int
    totalRam: int
    osInfo: OsInfo
    state: NodeState
    isConnected: bool


class UnitNodeInfo(_UnitNodeInfoRequired, total=False):
    """``unitStatus.nodes[]``: one node of the unit; ``attrs`` maps attribute name to value."""

    physicalRam: int
    cpus: List[CpuInfo]
    attrs: Dict[str, str]
    partitions: List[PartitionInfo]
    errorInfo: ErrorInfo
    runtimes: List[RuntimeInfo]
    resources: List[ResourceInfo]


class _UpdateItemStatusRequired(TypedDict):
    item: AosIdentity
    version: str
    state: ItemState


class UpdateItemStatus(_UpdateItemStatusRequired, total=False):
    """``unitStatus.items[]``; ``item`` is ``{"id"|"codename", "type"?}``."""

    errorInfo: ErrorInfo


class _InstanceStatusRequired(TypedDict):
    node: CodenameRef
    runtime: CodenameRef
    instance: int
    state: InstanceState


class InstanceStatus(_InstanceStatusRequired, total=False):
    """``unitStatus.instances[].instances[]``; ``stateChecksum`` is lowercase hex."""

    stateChecksum: str
    errorInfo: ErrorInfo


class UnitInstancesStatuses(TypedDict):
    """``unitStatus.instances[]``: the instances of one (item, subject, version)."""

    item: AosIdentity
    subject: IdOrCodenameRef
    version: str
    instances: List[InstanceStatus]


# ---------------------------------------------------------------------------------------------
# Message data: one TypedDict per messageType. Each `_<Type>DataRequired` holds the keys that
# are always written; the public class adds `correlationId` and the conditional keys.


class _AckDataRequired(TypedDict):
    messageType: Literal["ack"]


class AckData(_AckDataRequired, total=False):
    """Both directions: acknowledges the message whose ``header.txn`` it carries."""

    correlationId: str


class _AlertsDataRequired(TypedDict):
    messageType: Literal["alerts"]
    items: List[Alert]


class AlertsData(_AlertsDataRequired, total=False):
    """Unit to cloud: alert items (system, core, quota, download, instance)."""

    correlationId: str


class _BlobUrlsDataRequired(TypedDict):
    messageType: Literal["blobUrls"]
    items: List[BlobInfo]


class BlobUrlsData(_BlobUrlsDataRequired, total=False):
    """Cloud to unit: download URLs for the blobs of a ``requestBlobUrls`` (same correlationId)."""

    correlationId: str


class _NodeRequest(TypedDict):
    node: CodenameRef
    password: str


class _DeprovisioningRequestDataRequired(_NodeRequest):
    messageType: Literal["deprovisioningRequest"]


class DeprovisioningRequestData(_DeprovisioningRequestDataRequired, total=False):
    """Cloud to unit: deprovision a node; answered by ``deprovisioningResponse``."""

    correlationId: str


class _DeprovisioningResponseDataRequired(TypedDict):
    messageType: Literal["deprovisioningResponse"]
    node: CodenameRef


class DeprovisioningResponseData(_DeprovisioningResponseDataRequired, total=False):
    """Unit to cloud: result of a ``deprovisioningRequest`` (its correlationId copied)."""

    correlationId: str
    errorInfo: ErrorInfo


class _DesiredStatusDataRequired(TypedDict):
    messageType: Literal["desiredStatus"]
    nodes: List[DesiredNodeStatus]
    items: List[DesiredItem]
    instances: List[DesiredInstance]
    subjects: List[DesiredSubject]
    certificates: List[DesiredCertificate]
    certificateChains: List[CertificateChain]


class DesiredStatusData(_DesiredStatusDataRequired, total=False):
    """Cloud to unit: the desired nodes, unit config, items, instances and subjects."""

    correlationId: str
    unitConfig: UnitConfig


class _FinishProvisioningRequestDataRequired(TypedDict):
    messageType: Literal["finishProvisioningRequest"]
    node: CodenameRef
    certificates: List[ProvisioningCertificate]
    password: str


class FinishProvisioningRequestData(_FinishProvisioningRequestDataRequired, total=False):
    """Cloud to unit: install the node's certificates and finish provisioning."""

    correlationId: str


class _FinishProvisioningResponseDataRequired(TypedDict):
    messageType: Literal["finishProvisioningResponse"]
    node: CodenameRef


class FinishProvisioningResponseData(_FinishProvisioningResponseDataRequired, total=False):
    """Unit to cloud: result of a ``finishProvisioningRequest`` (its correlationId copied)."""

    correlationId: str
    errorInfo: ErrorInfo


class _InstallUnitCertificatesConfirmationDataRequired(TypedDict):
    messageType: Literal["installUnitCertificatesConfirmation"]
    certificates: List[InstalledCertificate]


class InstallUnitCertificatesConfirmationData(
    _InstallUnitCertificatesConfirmationDataRequired, total=False
):
    """Unit to cloud: which certificates of ``issuedUnitCertificates`` were installed."""

    correlationId: str


class _IssuedUnitCertificatesDataRequired(TypedDict):
    messageType: Literal["issuedUnitCertificates"]
    certificates: List[IssuedCertificate]


class IssuedUnitCertificatesData(_IssuedUnitCertificatesDataRequired, total=False):
    """Cloud to unit: issued certificate chains to install."""

    correlationId: str


class _IssueUnitCertificatesDataRequired(TypedDict):
    messageType: Literal["issueUnitCertificates"]
    requests: List[CertificateRequest]


class IssueUnitCertificatesData(_IssueUnitCertificatesDataRequired, total=False):
    """Unit to cloud: CSRs for the certificates a ``renewCertificatesNotification`` named."""

    correlationId: str


class _MonitoringDataDataRequired(TypedDict):
    messageType: Literal["monitoringData"]
    nodes: List[NodeMonitoring]


class MonitoringDataData(_MonitoringDataDataRequired, total=False):
    """Unit to cloud: resource samples and states of nodes and instances."""

    correlationId: str
    instances: List[InstanceMonitoring]


class _NackDataRequired(TypedDict):
    messageType: Literal["nack"]
    retryAfter: int


class NackData(_NackDataRequired, total=False):
    """Cloud to unit: resend the message with this ``header.txn`` after ``retryAfter`` ms."""

    correlationId: str


class _NewStateDataRequired(InstanceIdent):
    messageType: Literal["newState"]
    stateChecksum: str
    state: str


class NewStateData(_NewStateDataRequired, total=False):
    """Unit to cloud: an instance's new state (raw text) and its SHA-256 (hex)."""

    correlationId: str


class _OverrideEnvVarsDataRequired(TypedDict):
    messageType: Literal["overrideEnvVars"]
    items: List[EnvVarsInstance]


class OverrideEnvVarsData(_OverrideEnvVarsDataRequired, total=False):
    """Cloud to unit: environment variables to override per instance filter."""

    correlationId: str


class _OverrideEnvVarsStatusDataRequired(TypedDict):
    messageType: Literal["overrideEnvVarsStatus"]
    statuses: List[EnvVarStatus]


class OverrideEnvVarsStatusData(_OverrideEnvVarsStatusDataRequired, total=False):
    """Unit to cloud: result of ``overrideEnvVars``, one entry per variable."""

    correlationId: str


class _PushLogDataRequired(TypedDict):
    messageType: Literal["pushLog"]
    node: CodenameRef
    part: int
    partsCount: int
    content: str
    status: LogStatus


class PushLogData(_PushLogDataRequired, total=False):
    """Unit to cloud: one part of a requested log; ``content`` is CRLF-wrapped base64."""

    correlationId: str
    errorInfo: ErrorInfo


class _RenewCertificatesNotificationDataRequired(TypedDict):
    messageType: Literal["renewCertificatesNotification"]
    certificates: List[RenewCertificate]
    unitSecrets: UnitSecrets


class RenewCertificatesNotificationData(
    _RenewCertificatesNotificationDataRequired, total=False
):
    """Cloud to unit: certificates to renew; answered by ``issueUnitCertificates``."""

    correlationId: str


class _RequestBlobUrlsDataRequired(TypedDict):
    messageType: Literal["requestBlobUrls"]
    digests: List[str]


class RequestBlobUrlsData(_RequestBlobUrlsDataRequired, total=False):
    """Unit to cloud: ask for blob download URLs; answered by ``blobUrls``."""

    correlationId: str


class _RequestLogDataRequired(TypedDict):
    messageType: Literal["requestLog"]
    logType: LogType
    filter: LogFilter


class RequestLogData(_RequestLogDataRequired, total=False):
    """Cloud to unit: request a system, instance or crash log; answered by ``pushLog``."""

    correlationId: str
    uploadOptions: UploadOptions


class _StartProvisioningRequestDataRequired(_NodeRequest):
    messageType: Literal["startProvisioningRequest"]


class StartProvisioningRequestData(_StartProvisioningRequestDataRequired, total=False):
    """Cloud to unit: start provisioning a node; answered by ``startProvisioningResponse``."""

    correlationId: str


class _StartProvisioningResponseDataRequired(TypedDict):
    messageType: Literal["startProvisioningResponse"]
    node: CodenameRef
    csrs: List[CsrInfo]


class StartProvisioningResponseData(_StartProvisioningResponseDataRequired, total=False):
    """Unit to cloud: the node's CSRs, or the error (its correlationId copied)."""

    correlationId: str
    errorInfo: ErrorInfo


class _StateAcceptanceDataRequired(InstanceIdent):
    messageType: Literal["stateAcceptance"]
    checksum: str
    result: StateResult
    reason: str


class StateAcceptanceData(_StateAcceptanceDataRequired, total=False):
    """Cloud to unit: accepts or rejects an instance state (note ``checksum``)."""

    correlationId: str


class _StateRequestDataRequired(InstanceIdent):
    messageType: Literal["stateRequest"]
    default: bool


class StateRequestData(_StateRequestDataRequired, total=False):
    """Unit to cloud: ask the cloud for an instance's state (or its default state)."""

    correlationId: str


class _UnitStatusDataRequired(TypedDict):
    messageType: Literal["unitStatus"]
    isDeltaInfo: bool


class UnitStatusData(_UnitStatusDataRequired, total=False):
    """Unit to cloud: unit config, nodes, items, instances and subjects (full or delta)."""

    correlationId: str
    unitConfig: List[UnitConfigStatus]
    nodes: List[UnitNodeInfo]
    items: List[UpdateItemStatus]
    instances: List[UnitInstancesStatuses]
    subjects: List[CodenameRef]


class _UpdateStateDataRequired(InstanceIdent):
    messageType: Literal["updateState"]
    stateChecksum: str
    state: str


class UpdateStateData(_UpdateStateDataRequired, total=False):
    """Cloud to unit: an instance's state (raw text) and its SHA-256 (hex)."""

    correlationId: str


Data = Union[
    AckData,
    AlertsData,
    BlobUrlsData,
    DeprovisioningRequestData,
    DeprovisioningResponseData,
    DesiredStatusData,
    FinishProvisioningRequestData,
    FinishProvisioningResponseData,
    InstallUnitCertificatesConfirmationData,
    IssuedUnitCertificatesData,
    IssueUnitCertificatesData,
    MonitoringDataData,
    NackData,
    NewStateData,
    OverrideEnvVarsData,
    OverrideEnvVarsStatusData,
    PushLogData,
    RenewCertificatesNotificationData,
    RequestBlobUrlsData,
    RequestLogData,
    StartProvisioningRequestData,
    StartProvisioningResponseData,
    StateAcceptanceData,
    StateRequestData,
    UnitStatusData,
    UpdateStateData,
]

DATA_TYPES: Dict[str, type] = {
    "ack": AckData,
    "alerts": AlertsData,
    "blobUrls": BlobUrlsData,
    "deprovisioningRequest": DeprovisioningRequestData,
    "deprovisioningResponse": DeprovisioningResponseData,
    "desiredStatus": DesiredStatusData,
    "finishProvisioningRequest": FinishProvisioningRequestData,
    "finishProvisioningResponse": FinishProvisioningResponseData,
    "installUnitCertificatesConfirmation": InstallUnitCertificatesConfirmationData,
    "issuedUnitCertificates": IssuedUnitCertificatesData,
    "issueUnitCertificates": IssueUnitCertificatesData,
    "monitoringData": MonitoringDataData,
    "nack": NackData,
    "newState": NewStateData,
    "overrideEnvVars": OverrideEnvVarsData,
    "overrideEnvVarsStatus": OverrideEnvVarsStatusData,
    "pushLog": PushLogData,
    "renewCertificatesNotification": RenewCertificatesNotificationData,
    "requestBlobUrls": RequestBlobUrlsData,
    "requestLog": RequestLogData,
    "startProvisioningRequest": StartProvisioningRequestData,
    "startProvisioningResponse": StartProvisioningResponseData,
    "stateAcceptance": StateAcceptanceData,
    "stateRequest": StateRequestData,
    "unitStatus": UnitStatusData,
    "updateState": UpdateStateData,
}
"""Wire ``messageType`` string to the TypedDict of its ``data`` object."""

UNIT_TO_CLOUD: FrozenSet[str] = frozenset(
    {
        "ack",
        "alerts",
        "deprovisioningResponse",
        "finishProvisioningResponse",
        "installUnitCertificatesConfirmation",
        "issueUnitCertificates",
        "monitoringData",
        "newState",
        "overrideEnvVarsStatus",
        "pushLog",
        "requestBlobUrls",
        "startProvisioningResponse",
        "stateRequest",
        "unitStatus",
    }
)
"""The 14 types the unit sends (§3.1). The unit never sends ``nack``."""

CLOUD_TO_UNIT: FrozenSet[str] = frozenset(
    {
        "ack",
        "nack",
        "blobUrls",
        "desiredStatus",
        "requestLog",
        "stateAcceptance",
        "updateState",
        "renewCertificatesNotification",
        "issuedUnitCertificates",
        "overrideEnvVars",
        "startProvisioningRequest",
        "finishProvisioningRequest",
        "deprovisioningRequest",
    }
)
"""The 13 types the unit receives (§1.5); everything else is dropped unacked."""
