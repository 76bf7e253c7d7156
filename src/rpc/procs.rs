//! The procedures of libvirt's remote program that virtsh uses: their numbers and argument and
//! result types, written from `src/remote/remote_protocol.x`.

use uuid::Uuid;

use super::xdr::{Reader, Xdr, XdrError};
use crate::types::stats::TypedValue;
use crate::xdr_struct;

pub use super::message::{WireDomain, WireNetwork};

/// `char x<N>`: a count, then each char as a 4-byte integer (not opaque data). libvirt sends
/// C strings with their NUL.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CharArray(pub String);

impl Xdr for CharArray {
    fn encode(&self, out: &mut Vec<u8>) {
        let bytes: Vec<i32> = self.0.bytes().map(i32::from).collect();
        bytes.encode(out)
    }
    fn decode(r: &mut Reader) -> Result<CharArray, XdrError> {
        let chars = Vec::<i32>::decode(r)?;
        Ok(CharArray(chars_to_string(&chars)))
    }
}

fn chars_to_string(chars: &[i32]) -> String {
    let bytes: Vec<u8> = chars
        .iter()
        .map(|c| *c as u8)
        .take_while(|b| *b != 0)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// `char model[32]`: 32 chars of 4 bytes each.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Char32(pub String);

impl Xdr for Char32 {
    fn encode(&self, out: &mut Vec<u8>) {
        let mut bytes: Vec<u8> = self.0.bytes().take(31).collect();
        bytes.resize(32, 0);
        for b in bytes {
            i32::from(b).encode(out);
        }
    }
    fn decode(r: &mut Reader) -> Result<Char32, XdrError> {
        let chars = (0..32)
            .map(|_| i32::decode(r))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Char32(chars_to_string(&chars)))
    }
}

xdr_struct! {
    /// `remote_nonnull_network_port`.
    pub struct WirePort {
        pub net: WireNetwork,
        pub uuid: Uuid,
    }
}

xdr_struct! {
    /// `remote_nonnull_storage_pool`.
    pub struct WirePool {
        pub name: String,
        pub uuid: Uuid,
    }
}

xdr_struct! {
    /// `remote_nonnull_storage_vol`.
    pub struct WireVol {
        pub pool: String,
        pub name: String,
        pub key: String,
    }
}

macro_rules! procs {
    ($($name:ident = $n:literal,)*) => {
        $(pub const $name: i32 = $n;)*
    };
}

procs! {
    CONNECT_OPEN = 1,
    CONNECT_CLOSE = 2,
    CONNECT_GET_TYPE = 3,
    CONNECT_GET_VERSION = 4,
    NODE_GET_INFO = 6,
    CONNECT_GET_CAPABILITIES = 7,
    DOMAIN_CREATE_XML = 10,
    DOMAIN_DEFINE_XML = 11,
    DOMAIN_DESTROY = 12,
    DOMAIN_GET_XML_DESC = 14,
    DOMAIN_GET_AUTOSTART = 15,
    DOMAIN_GET_INFO = 16,
    DOMAIN_GET_OS_TYPE = 19,
    DOMAIN_LOOKUP_BY_ID = 22,
    DOMAIN_LOOKUP_BY_NAME = 23,
    DOMAIN_LOOKUP_BY_UUID = 24,
    DOMAIN_REBOOT = 27,
    DOMAIN_RESUME = 28,
    DOMAIN_SET_AUTOSTART = 29,
    DOMAIN_SET_MAX_MEMORY = 30,
    DOMAIN_SHUTDOWN = 33,
    DOMAIN_SHUTDOWN_FLAGS = 258,
    DOMAIN_SUSPEND = 34,
    CONNECT_GET_HOSTNAME = 59,
    CONNECT_SUPPORTS_FEATURE = 60,
    AUTH_LIST = 66,
    AUTH_POLKIT = 70,
    STORAGE_POOL_CREATE_XML = 76,
    STORAGE_POOL_DEFINE_XML = 77,
    STORAGE_POOL_CREATE = 78,
    STORAGE_POOL_BUILD = 79,
    STORAGE_POOL_DESTROY = 80,
    STORAGE_POOL_DELETE = 81,
    STORAGE_POOL_UNDEFINE = 82,
    STORAGE_POOL_REFRESH = 83,
    STORAGE_POOL_LOOKUP_BY_NAME = 84,
    STORAGE_POOL_LOOKUP_BY_UUID = 85,
    STORAGE_POOL_GET_INFO = 87,
    STORAGE_POOL_GET_XML_DESC = 88,
    STORAGE_POOL_GET_AUTOSTART = 89,
    STORAGE_POOL_SET_AUTOSTART = 90,
    STORAGE_VOL_CREATE_XML = 93,
    STORAGE_VOL_DELETE = 94,
    STORAGE_VOL_LOOKUP_BY_NAME = 95,
    STORAGE_VOL_LOOKUP_BY_KEY = 96,
    STORAGE_VOL_LOOKUP_BY_PATH = 97,
    STORAGE_VOL_GET_INFO = 98,
    STORAGE_VOL_GET_XML_DESC = 99,
    STORAGE_VOL_GET_PATH = 100,
    CONNECT_GET_URI = 110,
    DOMAIN_GET_SECURITY_LABEL = 121,
    NODE_GET_SECURITY_MODEL = 122,
    STORAGE_VOL_CREATE_XML_FROM = 125,
    DOMAIN_IS_PERSISTENT = 151,
    STORAGE_POOL_IS_PERSISTENT = 155,
    CONNECT_GET_LIB_VERSION = 157,
    STORAGE_VOL_WIPE = 165,
    DOMAIN_HAS_MANAGED_SAVE_IMAGE = 183,
    DOMAIN_CREATE_WITH_FLAGS = 196,
    DOMAIN_SET_VCPUS_FLAGS = 199,
    DOMAIN_OPEN_CONSOLE = 201,
    DOMAIN_SET_MEMORY_FLAGS = 204,
    STORAGE_VOL_UPLOAD = 208,
    STORAGE_VOL_DOWNLOAD = 209,
    DOMAIN_SCREENSHOT = 211,
    DOMAIN_GET_STATE = 212,
    CONNECT_GET_ALL_DOMAIN_STATS = 344,
    DOMAIN_DEFINE_XML_FLAGS = 350,
    DOMAIN_GET_CONTROL_INFO = 229,
    DOMAIN_UNDEFINE_FLAGS = 231,
    DOMAIN_RESET = 245,
    STORAGE_VOL_RESIZE = 260,
    DOMAIN_SET_METADATA = 264,
    DOMAIN_GET_METADATA = 265,
    CONNECT_LIST_ALL_DOMAINS = 273,
    CONNECT_LIST_ALL_STORAGE_POOLS = 281,
    STORAGE_POOL_LIST_ALL_VOLUMES = 282,
    DOMAIN_RENAME = 358,
    DOMAIN_GET_MESSAGES = 426,
    DOMAIN_GET_AUTOSTART_ONCE = 449,
    DOMAIN_INTERFACE_ADDRESSES = 353,
    DOMAIN_ATTACH_DEVICE = 8,
    DOMAIN_DETACH_DEVICE = 13,
    DOMAIN_INTERFACE_STATS = 65,
    DOMAIN_ATTACH_DEVICE_FLAGS = 160,
    DOMAIN_DETACH_DEVICE_FLAGS = 161,
    DOMAIN_UPDATE_DEVICE_FLAGS = 174,
    DOMAIN_SET_INTERFACE_PARAMETERS = 256,
    DOMAIN_GET_INTERFACE_PARAMETERS = 257,
    NETWORK_CREATE = 39,
    NETWORK_CREATE_XML = 40,
    NETWORK_DEFINE_XML = 41,
    NETWORK_DESTROY = 42,
    NETWORK_GET_XML_DESC = 43,
    NETWORK_GET_AUTOSTART = 44,
    NETWORK_GET_BRIDGE_NAME = 45,
    NETWORK_LOOKUP_BY_NAME = 46,
    NETWORK_LOOKUP_BY_UUID = 47,
    NETWORK_SET_AUTOSTART = 48,
    NETWORK_UNDEFINE = 49,
    NETWORK_IS_ACTIVE = 152,
    NETWORK_IS_PERSISTENT = 153,
    CONNECT_LIST_ALL_NETWORKS = 283,
    NETWORK_UPDATE = 291,
    NETWORK_GET_DHCP_LEASES = 341,
    NETWORK_LIST_ALL_PORTS = 404,
    NETWORK_PORT_LOOKUP_BY_UUID = 405,
    NETWORK_PORT_CREATE_XML = 406,
    NETWORK_PORT_GET_XML_DESC = 409,
    NETWORK_PORT_DELETE = 410,
    NETWORK_SET_METADATA = 444,
    NETWORK_GET_METADATA = 445,
    DOMAIN_SET_AUTOSTART_ONCE = 450,
    DOMAIN_SNAPSHOT_CREATE_XML = 185,
    DOMAIN_SNAPSHOT_GET_XML_DESC = 186,
    DOMAIN_SNAPSHOT_NUM = 187,
    DOMAIN_SNAPSHOT_LOOKUP_BY_NAME = 189,
    DOMAIN_HAS_CURRENT_SNAPSHOT = 190,
    DOMAIN_SNAPSHOT_CURRENT = 191,
    DOMAIN_REVERT_TO_SNAPSHOT = 192,
    DOMAIN_SNAPSHOT_DELETE = 193,
    DOMAIN_SNAPSHOT_GET_PARENT = 244,
    DOMAIN_SNAPSHOT_NUM_CHILDREN = 246,
    DOMAIN_SNAPSHOT_IS_CURRENT = 271,
    DOMAIN_SNAPSHOT_HAS_METADATA = 272,
    DOMAIN_LIST_ALL_SNAPSHOTS = 274,
    DOMAIN_SNAPSHOT_LIST_ALL_CHILDREN = 275,
    DOMAIN_CHECKPOINT_CREATE_XML = 411,
    DOMAIN_CHECKPOINT_GET_XML_DESC = 412,
    DOMAIN_LIST_ALL_CHECKPOINTS = 413,
    DOMAIN_CHECKPOINT_LIST_ALL_CHILDREN = 414,
    DOMAIN_CHECKPOINT_LOOKUP_BY_NAME = 415,
    DOMAIN_CHECKPOINT_GET_PARENT = 416,
    DOMAIN_CHECKPOINT_DELETE = 417,
    DOMAIN_CORE_DUMP = 53,
    DOMAIN_RESTORE = 54,
    DOMAIN_SAVE = 55,
    DOMAIN_IS_ACTIVE = 150,
    DOMAIN_GET_JOB_INFO = 163,
    DOMAIN_MANAGED_SAVE = 182,
    DOMAIN_MANAGED_SAVE_REMOVE = 184,
    DOMAIN_SAVE_FLAGS = 232,
    DOMAIN_RESTORE_FLAGS = 233,
    DOMAIN_SAVE_IMAGE_GET_XML_DESC = 235,
    DOMAIN_SAVE_IMAGE_DEFINE_XML = 236,
    DOMAIN_PM_SUSPEND_FOR_DURATION = 261,
    DOMAIN_PM_WAKEUP = 267,
    DOMAIN_CORE_DUMP_WITH_FORMAT = 334,
    DOMAIN_MANAGED_SAVE_GET_XML_DESC = 388,
    DOMAIN_MANAGED_SAVE_DEFINE_XML = 389,
    DOMAIN_SAVE_PARAMS = 440,
    DOMAIN_RESTORE_PARAMS = 441,
}

/// `VIR_DRV_FEATURE_PROGRAM_KEEPALIVE`.
pub const FEATURE_PROGRAM_KEEPALIVE: i32 = 10;

xdr_struct! { pub struct OpenArgs { pub name: Option<String>, pub flags: u32, } }
xdr_struct! { pub struct AuthListRet { pub types: Vec<i32>, } }
xdr_struct! { pub struct FeatureArgs { pub feature: i32, } }
xdr_struct! { pub struct IntRet { pub value: i32, } }
xdr_struct! { pub struct HyperRet { pub value: u64, } }
xdr_struct! { pub struct StringRet { pub value: String, } }
// `remote_stream_hole`: a hole in a sparse stream.
xdr_struct! { pub struct StreamHole { pub length: i64, pub flags: u32, } }
xdr_struct! { pub struct OptStringRet { pub value: Option<String>, } }
xdr_struct! { pub struct ScreenshotArgs { pub dom: WireDomain, pub screen: u32, pub flags: u32, } }
xdr_struct! {
    pub struct NodeInfoRet {
        pub model: Char32,
        pub memory: u64,
        pub cpus: i32,
        pub mhz: i32,
        pub nodes: i32,
        pub sockets: i32,
        pub cores: i32,
        pub threads: i32,
    }
}
xdr_struct! { pub struct SecurityModelRet { pub model: CharArray, pub doi: CharArray, } }
xdr_struct! { pub struct ListArgs { pub need_results: i32, pub flags: u32, } }
xdr_struct! { pub struct DomainListRet { pub domains: Vec<WireDomain>, pub count: u32, } }
xdr_struct! { pub struct IdArgs { pub id: i32, } }
xdr_struct! { pub struct UuidArgs { pub uuid: Uuid, } }
xdr_struct! { pub struct NameArgs { pub name: String, } }
xdr_struct! { pub struct DomainRet { pub dom: WireDomain, } }
xdr_struct! { pub struct XmlArgs { pub xml: String, } }
xdr_struct! { pub struct XmlFlagsArgs { pub xml: String, pub flags: u32, } }
xdr_struct! { pub struct DomArgs { pub dom: WireDomain, } }
xdr_struct! { pub struct DomFlagsArgs { pub dom: WireDomain, pub flags: u32, } }
xdr_struct! { pub struct DomIntArgs { pub dom: WireDomain, pub value: i32, } }
xdr_struct! { pub struct DomHyperArgs { pub dom: WireDomain, pub value: u64, } }
xdr_struct! { pub struct DomHyperFlagsArgs { pub dom: WireDomain, pub value: u64, pub flags: u32, } }
xdr_struct! { pub struct DomUintFlagsArgs { pub dom: WireDomain, pub value: u32, pub flags: u32, } }
xdr_struct! {
    pub struct DomainInfoRet {
        pub state: i32,
        pub max_mem: u64,
        pub memory: u64,
        pub nr_virt_cpu: i32,
        pub cpu_time: u64,
    }
}
xdr_struct! { pub struct StateRet { pub state: i32, pub reason: i32, } }
xdr_struct! { pub struct RenameArgs { pub dom: WireDomain, pub new_name: Option<String>, pub flags: u32, } }
xdr_struct! { pub struct GetMetadataArgs { pub dom: WireDomain, pub kind: i32, pub uri: Option<String>, pub flags: u32, } }
xdr_struct! {
    pub struct SetMetadataArgs {
        pub dom: WireDomain,
        pub kind: i32,
        pub metadata: Option<String>,
        pub key: Option<String>,
        pub uri: Option<String>,
        pub flags: u32,
    }
}
xdr_struct! { pub struct SecurityLabelRet { pub label: CharArray, pub enforcing: i32, } }
xdr_struct! { pub struct MessagesRet { pub msgs: Vec<String>, } }
xdr_struct! { pub struct ControlInfoRet { pub state: u32, pub details: u32, pub state_time: u64, } }
xdr_struct! { pub struct ConsoleArgs { pub dom: WireDomain, pub dev_name: Option<String>, pub flags: u32, } }
xdr_struct! { pub struct PoolListRet { pub pools: Vec<WirePool>, pub count: u32, } }
xdr_struct! { pub struct PoolRet { pub pool: WirePool, } }
xdr_struct! { pub struct PoolArgs { pub pool: WirePool, } }
xdr_struct! { pub struct PoolFlagsArgs { pub pool: WirePool, pub flags: u32, } }
xdr_struct! { pub struct PoolIntArgs { pub pool: WirePool, pub value: i32, } }
xdr_struct! {
    pub struct PoolInfoRet {
        pub state: i32,
        pub capacity: u64,
        pub allocation: u64,
        pub available: u64,
    }
}
xdr_struct! { pub struct PoolListVolumesArgs { pub pool: WirePool, pub need_results: i32, pub flags: u32, } }
xdr_struct! { pub struct VolListRet { pub vols: Vec<WireVol>, pub count: u32, } }
xdr_struct! { pub struct VolByNameArgs { pub pool: WirePool, pub name: String, } }
xdr_struct! { pub struct VolRet { pub vol: WireVol, } }
xdr_struct! { pub struct VolArgs { pub vol: WireVol, } }
xdr_struct! { pub struct VolFlagsArgs { pub vol: WireVol, pub flags: u32, } }
xdr_struct! { pub struct VolCreateArgs { pub pool: WirePool, pub xml: String, pub flags: u32, } }
xdr_struct! { pub struct VolCreateFromArgs { pub pool: WirePool, pub xml: String, pub clonevol: WireVol, pub flags: u32, } }
xdr_struct! { pub struct VolResizeArgs { pub vol: WireVol, pub capacity: u64, pub flags: u32, } }
xdr_struct! { pub struct VolInfoRet { pub kind: i32, pub capacity: u64, pub allocation: u64, } }
xdr_struct! { pub struct VolStreamArgs { pub vol: WireVol, pub offset: u64, pub length: u64, pub flags: u32, } }

xdr_struct! {
    /// `remote_connect_get_all_domain_stats_args`: no domains means every domain the list
    /// filters in `flags` pass (`virConnectGetAllDomainStats`); some means those
    /// (`virDomainListGetStats`).
    pub struct DomainStatsArgs {
        pub doms: Vec<WireDomain>,
        pub stats: u32,
        pub flags: u32,
    }
}

xdr_struct! { pub struct DomXmlArgs { pub dom: WireDomain, pub xml: String, } }
xdr_struct! { pub struct DomPathArgs { pub dom: WireDomain, pub path: String, } }
xdr_struct! { pub struct DomPathFlagsArgs { pub dom: WireDomain, pub path: String, pub flags: u32, } }
xdr_struct! {
    /// `remote_domain_save_flags_args`.
    pub struct SaveFlagsArgs { pub dom: WireDomain, pub to: String, pub dxml: Option<String>, pub flags: u32, }
}
xdr_struct! { pub struct DomParamsArgs { pub dom: WireDomain, pub params: Vec<WireTypedParam>, pub flags: u32, } }
xdr_struct! { pub struct PathArgs { pub path: String, } }
xdr_struct! { pub struct PathFlagsArgs { pub path: String, pub flags: u32, } }
xdr_struct! {
    /// `remote_domain_restore_flags_args`.
    pub struct RestoreFlagsArgs { pub from: String, pub dxml: Option<String>, pub flags: u32, }
}
xdr_struct! { pub struct ParamsArgs { pub params: Vec<WireTypedParam>, pub flags: u32, } }
xdr_struct! {
    /// `remote_domain_save_image_define_xml_args`.
    pub struct SaveImageDefineArgs { pub file: String, pub dxml: String, pub flags: u32, }
}
xdr_struct! {
    /// `remote_domain_managed_save_define_xml_args`.
    pub struct ManagedSaveDefineArgs { pub dom: WireDomain, pub dxml: Option<String>, pub flags: u32, }
}
xdr_struct! {
    /// `remote_domain_core_dump_with_format_args`.
    pub struct CoreDumpFormatArgs { pub dom: WireDomain, pub to: String, pub dumpformat: u32, pub flags: u32, }
}
xdr_struct! {
    /// `remote_domain_pm_suspend_for_duration_args`.
    pub struct PmSuspendArgs { pub dom: WireDomain, pub target: u32, pub duration: u64, pub flags: u32, }
}
xdr_struct! {
    /// `remote_domain_get_job_info_ret` (`virDomainJobInfo`).
    pub struct JobInfoRet {
        pub kind: i32,
        pub time_elapsed: u64,
        pub time_remaining: u64,
        pub data_total: u64,
        pub data_processed: u64,
        pub data_remaining: u64,
        pub mem_total: u64,
        pub mem_processed: u64,
        pub mem_remaining: u64,
        pub file_total: u64,
        pub file_processed: u64,
        pub file_remaining: u64,
    }
}
xdr_struct! { pub struct DomXmlFlagsArgs { pub dom: WireDomain, pub xml: String, pub flags: u32, } }
xdr_struct! { pub struct DomDeviceArgs { pub dom: WireDomain, pub device: String, } }
xdr_struct! {
    pub struct IfStatsRet {
        pub rx_bytes: i64,
        pub rx_packets: i64,
        pub rx_errs: i64,
        pub rx_drop: i64,
        pub tx_bytes: i64,
        pub tx_packets: i64,
        pub tx_errs: i64,
        pub tx_drop: i64,
    }
}
xdr_struct! { pub struct GetIfParamsArgs { pub dom: WireDomain, pub device: String, pub nparams: i32, pub flags: u32, } }
xdr_struct! { pub struct GetIfParamsRet { pub params: Vec<WireTypedParam>, pub nparams: i32, } }
xdr_struct! { pub struct SetIfParamsArgs { pub dom: WireDomain, pub device: String, pub params: Vec<WireTypedParam>, pub flags: u32, } }
xdr_struct! { pub struct IfAddrArgs { pub dom: WireDomain, pub source: u32, pub flags: u32, } }
xdr_struct! { pub struct WireIpAddr { pub kind: i32, pub addr: String, pub prefix: u32, } }
xdr_struct! { pub struct WireIface { pub name: String, pub hwaddr: Option<String>, pub addrs: Vec<WireIpAddr>, } }
xdr_struct! { pub struct IfAddrRet { pub ifaces: Vec<WireIface>, } }
xdr_struct! { pub struct NetListRet { pub nets: Vec<WireNetwork>, pub count: u32, } }
xdr_struct! { pub struct NetRet { pub net: WireNetwork, } }
xdr_struct! { pub struct NetArgs { pub net: WireNetwork, } }
xdr_struct! { pub struct NetFlagsArgs { pub net: WireNetwork, pub flags: u32, } }
xdr_struct! { pub struct NetIntArgs { pub net: WireNetwork, pub value: i32, } }
xdr_struct! { pub struct NetGetMetadataArgs { pub net: WireNetwork, pub kind: i32, pub uri: Option<String>, pub flags: u32, } }
xdr_struct! {
    pub struct NetSetMetadataArgs {
        pub net: WireNetwork,
        pub kind: i32,
        pub metadata: Option<String>,
        pub key: Option<String>,
        pub uri: Option<String>,
        pub flags: u32,
    }
}
xdr_struct! {
    pub struct NetUpdateArgs {
        pub net: WireNetwork,
        pub command: u32,
        pub section: u32,
        pub parent_index: i32,
        pub xml: String,
        pub flags: u32,
    }
}
xdr_struct! { pub struct LeasesArgs { pub net: WireNetwork, pub mac: Option<String>, pub need_results: i32, pub flags: u32, } }
xdr_struct! {
    /// `remote_network_dhcp_lease`.
    pub struct WireLease {
        pub iface: String,
        pub expiry_time: i64,
        pub kind: i32,
        pub mac: Option<String>,
        pub iaid: Option<String>,
        pub ipaddr: String,
        pub prefix: u32,
        pub hostname: Option<String>,
        pub clientid: Option<String>,
    }
}
xdr_struct! { pub struct LeasesRet { pub leases: Vec<WireLease>, pub count: u32, } }
xdr_struct! { pub struct PortListArgs { pub net: WireNetwork, pub need_results: i32, pub flags: u32, } }
xdr_struct! { pub struct PortListRet { pub ports: Vec<WirePort>, pub count: u32, } }
xdr_struct! { pub struct PortByUuidArgs { pub net: WireNetwork, pub uuid: Uuid, } }
xdr_struct! { pub struct PortCreateArgs { pub net: WireNetwork, pub xml: String, pub flags: u32, } }
xdr_struct! { pub struct PortRet { pub port: WirePort, } }
xdr_struct! { pub struct PortFlagsArgs { pub port: WirePort, pub flags: u32, } }
xdr_struct! {
    /// `remote_nonnull_domain_snapshot` and `remote_nonnull_domain_checkpoint` (laid out
    /// alike): a moment by its name and domain.
    pub struct WireMoment {
        pub name: String,
        pub dom: WireDomain,
    }
}
xdr_struct! { pub struct MomentRet { pub moment: WireMoment, } }
xdr_struct! { pub struct MomentFlagsArgs { pub moment: WireMoment, pub flags: u32, } }
xdr_struct! { pub struct MomentLookupArgs { pub dom: WireDomain, pub name: String, pub flags: u32, } }
xdr_struct! {
    /// `remote_domain_list_all_snapshots_args` and `..._checkpoints_args`.
    pub struct MomentListArgs {
        pub dom: WireDomain,
        pub need_results: i32,
        pub flags: u32,
    }
}
xdr_struct! {
    /// `remote_domain_snapshot_list_all_children_args` and the checkpoint one.
    pub struct MomentChildrenArgs {
        pub moment: WireMoment,
        pub need_results: i32,
        pub flags: u32,
    }
}
xdr_struct! {
    /// The moments listed, and their count (all a caller gets without `need_results`).
    pub struct MomentListRet {
        pub moments: Vec<WireMoment>,
        pub count: i32,
    }
}

xdr_struct! {
    /// `remote_typed_param`.
    pub struct WireTypedParam {
        pub field: String,
        pub value: TypedValue,
    }
}

xdr_struct! {
    /// `remote_domain_stats_record`.
    pub struct WireStatsRecord {
        pub dom: WireDomain,
        pub params: Vec<WireTypedParam>,
    }
}

xdr_struct! { pub struct DomainStatsRet { pub records: Vec<WireStatsRecord>, } }

/// `remote_typed_param_value`: a union on `VIR_TYPED_PARAM_*`.
impl Xdr for TypedValue {
    fn encode(&self, out: &mut Vec<u8>) {
        let arm: i32 = match self {
            TypedValue::Int(_) => 1,
            TypedValue::UInt(_) => 2,
            TypedValue::LLong(_) => 3,
            TypedValue::ULLong(_) => 4,
            TypedValue::Double(_) => 5,
            TypedValue::Boolean(_) => 6,
            TypedValue::String(_) => 7,
        };
        arm.encode(out);
        match self {
            TypedValue::Int(v) => v.encode(out),
            TypedValue::UInt(v) => v.encode(out),
            TypedValue::LLong(v) => v.encode(out),
            TypedValue::ULLong(v) => v.encode(out),
            TypedValue::Double(v) => v.to_bits().encode(out),
            TypedValue::Boolean(v) => i32::from(*v).encode(out),
            TypedValue::String(v) => v.encode(out),
        }
    }
    fn decode(r: &mut Reader) -> Result<TypedValue, XdrError> {
        Ok(match i32::decode(r)? {
            1 => TypedValue::Int(i32::decode(r)?),
            2 => TypedValue::UInt(u32::decode(r)?),
            3 => TypedValue::LLong(i64::decode(r)?),
            4 => TypedValue::ULLong(u64::decode(r)?),
            5 => TypedValue::Double(f64::from_bits(u64::decode(r)?)),
            6 => TypedValue::Boolean(i32::decode(r)? != 0),
            7 => TypedValue::String(String::decode(r)?),
            other => return Err(XdrError::BadDiscriminant(other)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rpc::xdr::{from_bytes, to_bytes};

    #[test]
    fn char_arrays_take_four_bytes_per_char() {
        let b = to_bytes(&CharArray("ab".into()));
        assert_eq!(b, [0, 0, 0, 2, 0, 0, 0, b'a', 0, 0, 0, b'b']);
        // The server's strings carry their NUL.
        let with_nul = [0, 0, 0, 3, 0, 0, 0, b'x', 0, 0, 0, b'y', 0, 0, 0, 0];
        assert_eq!(from_bytes::<CharArray>(&with_nul).unwrap().0, "xy");
        let model = to_bytes(&Char32("i686".into()));
        assert_eq!(model.len(), 128);
        assert_eq!(from_bytes::<Char32>(&model).unwrap().0, "i686");
    }

    #[test]
    fn domain_list_reply() {
        // As libvirtd encodes one domain `test`, id 1, and the count.
        let mut b = vec![0, 0, 0, 1, 0, 0, 0, 4, b't', b'e', b's', b't'];
        b.extend(
            Uuid::parse_str("6695eb01-f6a4-8304-79aa-97f2502e193f")
                .unwrap()
                .as_bytes(),
        );
        b.extend([0, 0, 0, 1, 0, 0, 0, 1]);
        let r: DomainListRet = from_bytes(&b).unwrap();
        assert_eq!(r.domains[0].name, "test");
        assert_eq!(r.domains[0].id, 1);
        assert_eq!(r.count, 1);
        assert_eq!(to_bytes(&r), b);
    }

    #[test]
    fn typed_values_print_as_virsh_prints_them_and_cross_the_wire() {
        let values = [
            (TypedValue::Int(-3), "-3"),
            (TypedValue::UInt(7), "7"),
            (TypedValue::LLong(-1 << 40), "-1099511627776"),
            (TypedValue::ULLong(u64::MAX), "18446744073709551615"),
            (TypedValue::Double(0.5), "0.500000"),
            (TypedValue::Boolean(true), "yes"),
            (TypedValue::String("vda".into()), "vda"),
        ];
        for (value, text) in values {
            assert_eq!(value.to_string(), text);
            assert_eq!(from_bytes::<TypedValue>(&to_bytes(&value)).unwrap(), value);
        }
        // An arm libvirt does not define is refused, not guessed.
        assert!(from_bytes::<TypedValue>(&[0, 0, 0, 9, 0, 0, 0, 1]).is_err());
    }
}
