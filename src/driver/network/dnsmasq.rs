//! A network's DNS and DHCP server: dnsmasq, with its config, leases file, pid file and log in
//! the root's run directory (`ROOT/run/network/NAME.*`).
//!
//! dnsmasq closes every descriptor it inherits, so it cannot hold the network's launch lock
//! itself, as QEMU does. A keeper does: the virtsh binary started as a keeper
//! (`VIRTSH_NETWORK_KEEPER`) inherits the lock, runs dnsmasq in the foreground as its child
//! (told to stop if the keeper dies) and ends when dnsmasq does. "The launch lock is held" is
//! then exactly "this network's dnsmasq runs": liveness never trusts a pid file.

use std::ffi::OsString;
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

use std::net::{IpAddr, Ipv4Addr};

use crate::error::{Error, Result};
use crate::model::network::{IpDef, Lease};
use crate::model::NetworkDef;
use crate::state;
use crate::types::DhcpLease;

/// The environment variable that makes the virtsh binary a keeper.
const KEEPER_ENV: &str = "VIRTSH_NETWORK_KEEPER";

/// The largest lease file read (a /16 of leases is under 8 MiB).
const LEASES_MAX: usize = 16 << 20;

/// How long dnsmasq may take to start or stop.
const WAIT: Duration = Duration::from_secs(10);

/// The files of one network's dnsmasq.
pub struct Files {
    pub conf: PathBuf,
    pub leases: PathBuf,
    pub pid: PathBuf,
    pub log: PathBuf,
    /// Static DHCP hosts (`dhcp-hostsfile`).
    pub hosts: PathBuf,
    /// DNS host records (`addn-hosts`), as libvirt's `NAME.addnhosts`.
    pub addn_hosts: PathBuf,
    pub launch: PathBuf,
}

impl Files {
    pub fn new(run_dir: &Path, name: &str) -> Files {
        let f = |ext: &str| run_dir.join(format!("{name}.{ext}"));
        Files {
            conf: f("conf"),
            leases: f("leases"),
            pid: f("pid"),
            log: f("log"),
            hosts: f("hostsfile"),
            addn_hosts: f("addnhosts"),
            launch: f("launch"),
        }
    }

    /// Every file of the network's dnsmasq.
    pub fn all(&self) -> [&PathBuf; 7] {
        [
            &self.conf,
            &self.leases,
            &self.pid,
            &self.log,
            &self.hosts,
            &self.addn_hosts,
            &self.launch,
        ]
    }
}

/// Whether the network needs dnsmasq: it has an IPv4 or IPv6 address on its own bridge and
/// DNS is not turned off, or it serves DHCP.
pub fn needed(def: &NetworkDef) -> bool {
    if !def.has_own_bridge() || def.ips.is_empty() {
        return false;
    }
    dhcp(def, true).is_some() || dhcp(def, false).is_some() || def.dns.enable != Some(false)
}

/// The first address of the family that serves DHCP (libvirt serves one per family).
fn dhcp(def: &NetworkDef, v4: bool) -> Option<&IpDef> {
    def.ips
        .iter()
        .find(|i| i.address.is_ipv4() == v4 && (!i.ranges.is_empty() || !i.hosts.is_empty()))
}

/// A value as one token of dnsmasq's configuration: in quotes, its quotes and backslashes
/// escaped, so that no `#`, space or quote in it ends or changes the line (control
/// characters and commas were refused when the network was defined).
pub fn quoted(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A lease time as dnsmasq takes it (`networkBuildDnsmasqLeaseTime`).
fn lease_time(l: &Lease) -> String {
    match l.expiry {
        0 => "infinite".into(),
        n => format!("{n}{}", &l.unit[..1]),
    }
}

/// The PTR domain of a network (`virSocketAddrPTRDomain`): `None` when its prefix is not on
/// a byte (IPv4) or nibble (IPv6) boundary.
fn ptr_domain(ip: &IpDef) -> Option<String> {
    let prefix = ip.prefix_len()?;
    match ip.address {
        IpAddr::V4(a) => {
            if prefix == 0 || prefix >= 32 || prefix % 8 != 0 {
                return None;
            }
            let o = a.octets();
            let mut s: String = (0..(prefix / 8) as usize)
                .rev()
                .map(|i| format!("{}.", o[i]))
                .collect();
            s.push_str("in-addr.arpa");
            Some(s)
        }
        IpAddr::V6(a) => {
            if prefix == 0 || prefix >= 128 || prefix % 4 != 0 {
                return None;
            }
            let nibbles: Vec<u8> = a.octets().iter().flat_map(|b| [b >> 4, b & 15]).collect();
            let mut s: String = (0..(prefix / 4) as usize)
                .rev()
                .map(|i| format!("{:x}.", nibbles[i]))
                .collect();
            s.push_str("ip6.arpa");
            Some(s)
        }
    }
}

/// dnsmasq's config for the network, as libvirt writes it (`networkDnsmasqConfContents`),
/// listening on the bridge only. Every value in it was checked when the network was defined
/// (`super::checks`); file names and free text go in quotes.
pub fn config(def: &NetworkDef, bridge: &str, files: &Files) -> Result<String> {
    let mut c = String::new();
    let mut line = |l: String| {
        c.push_str(&l);
        c.push('\n');
    };
    let want_dns = def.dns.enable != Some(false);
    line("strict-order".into());
    if !want_dns {
        line("port=0".into());
    }
    if want_dns && !def.dns.forwarders.is_empty() {
        let mut no_resolv = false;
        for (domain, addr) in &def.dns.forwarders {
            let domain = domain.as_ref().map_or(String::new(), |d| format!("/{d}/"));
            match addr {
                Some(a) => {
                    no_resolv |= domain.is_empty();
                    line(format!("server={domain}{a}"));
                }
                None => line(format!("server={domain}#")),
            }
        }
        if no_resolv {
            line("no-resolv".into());
        }
    }
    if let Some(d) = &def.domain {
        if d.local_only == Some(true) {
            line(format!("local=/{}/", d.name));
        }
        line(format!("domain={}", d.name));
        line("expand-hosts".into());
    }
    if want_dns {
        for ip in def.ips.iter().filter(|i| i.local_ptr == Some(true)) {
            let ptr = ptr_domain(ip).ok_or_else(|| {
                Error::unsupported(format!(
                    "PTR domain for {} network with prefix {} cannot be automatically created",
                    if ip.address.is_ipv4() { "IPv4" } else { "IPv6" },
                    ip.prefix_len().map_or(-1, i64::from)
                ))
            })?;
            line(format!("local=/{ptr}/"));
        }
        if def.dns.forward_plain_names == Some(false) {
            line("domain-needed".into());
            line("local=//".into());
        }
    }
    line(format!(
        "pid-file={}",
        quoted(&files.pid.display().to_string())
    ));
    line("except-interface=lo".into());
    line("bind-dynamic".into());
    line(format!("interface={bridge}"));
    if def.forward.is_none() {
        line("dhcp-option=3".into());
        line("no-resolv".into());
        line("ra-param=*,0,0".into());
    }
    if want_dns {
        for (name, value) in &def.dns.txts {
            line(format!("txt-record={name},{}", quoted(value)));
        }
        for s in &def.dns.srvs {
            let mut l = format!("srv-host=_{}._{}", s.service, s.protocol);
            if let Some(d) = &s.domain {
                l.push_str(&format!(".{d}"));
            }
            if let Some(t) = s.target.as_deref().filter(|t| *t != ".") {
                l.push_str(&format!(",{t}"));
                if s.port != 0 || s.priority != 0 || s.weight != 0 {
                    l.push_str(&format!(",{}", if s.port == 0 { 1 } else { s.port }));
                }
                if s.priority != 0 || s.weight != 0 {
                    l.push_str(&format!(",{}", s.priority));
                }
                if s.weight != 0 {
                    l.push_str(&format!(",{}", s.weight));
                }
            }
            line(l);
        }
    }
    let mut tftp = false;
    for ip in def.ips.iter().filter(|i| i.address.is_ipv4()) {
        if let Some(root) = &ip.tftp_root {
            if !tftp {
                line("enable-tftp".into());
                tftp = true;
            }
            line(format!("tftp-root={}", quoted(root)));
        }
    }
    let (v4, v6) = (dhcp(def, true), dhcp(def, false));
    let mut leases = 0u64;
    for ip in [v4, v6].into_iter().flatten() {
        let prefix = ip
            .prefix_len()
            .ok_or_else(|| Error::internal(format!("bridge '{bridge}' has an invalid prefix")))?;
        for r in &ip.ranges {
            let lease = r
                .lease
                .as_ref()
                .map_or(String::new(), |l| format!(",{}", lease_time(l)));
            if ip.address.is_ipv4() {
                let netmask = Ipv4Addr::from(u32::MAX.checked_shl(32 - prefix).unwrap_or(0));
                line(format!("dhcp-range={},{},{netmask}{lease}", r.start, r.end));
            } else {
                line(format!("dhcp-range={},{},{prefix}{lease}", r.start, r.end));
            }
            leases += size(r.start, r.end);
        }
        if ip.ranges.is_empty() && !ip.hosts.is_empty() {
            match ip.address {
                IpAddr::V4(a) => line(format!("dhcp-range={a},static")),
                IpAddr::V6(a) => line(format!("dhcp-range={a},static,{prefix}")),
            }
        }
        if ip.address.is_ipv4() {
            line("dhcp-no-override".into());
            line("dhcp-authoritative".into());
            if let Some((file, server)) = &ip.bootp {
                match server {
                    Some(s) => line(format!("dhcp-boot={},,{s}", quoted(file))),
                    None => line(format!("dhcp-boot={}", quoted(file))),
                }
            }
        }
    }
    if leases > 0 {
        line(format!("dhcp-lease-max={leases}"));
    }
    if v4.is_some() || v6.is_some() {
        line(format!(
            "dhcp-hostsfile={}",
            quoted(&files.hosts.display().to_string())
        ));
        line(format!(
            "dhcp-leasefile={}",
            quoted(&files.leases.display().to_string())
        ));
    }
    if want_dns {
        line(format!(
            "addn-hosts={}",
            quoted(&files.addn_hosts.display().to_string())
        ));
    }
    if let Some(mtu) = def.mtu {
        line(format!("dhcp-option=option:mtu,{mtu}"));
    }
    if v6.is_some() {
        line("enable-ra".into());
    } else {
        for ip in def.ips.iter().filter(|i| i.address.is_ipv6()) {
            line(format!("dhcp-range={},ra-only", ip.address));
        }
    }
    Ok(c)
}

/// How many addresses a DHCP range holds (the range was checked when it was parsed).
fn size(start: IpAddr, end: IpAddr) -> u64 {
    match (start, end) {
        (IpAddr::V4(s), IpAddr::V4(e)) => u64::from(u32::from(e).saturating_sub(u32::from(s))) + 1,
        (IpAddr::V6(s), IpAddr::V6(e)) => {
            let last = |a: std::net::Ipv6Addr| {
                u64::from(u16::from_be_bytes([a.octets()[14], a.octets()[15]]))
            };
            last(e).saturating_sub(last(s)) + 1
        }
        _ => 0,
    }
}

/// The static DHCP hosts, one line each, as libvirt's `hostsfileAdd` writes them: IPv4
/// `mac,ip,name` (or `mac,ip`, `name,ip`), IPv6 `id:ID,name,[ip]`; a lease time last.
pub fn hostsfile(def: &NetworkDef) -> String {
    let mut out = String::new();
    for ip in [dhcp(def, true), dhcp(def, false)].into_iter().flatten() {
        for h in &ip.hosts {
            let Some(addr) = h.ip else { continue };
            let mut fields = Vec::new();
            match addr {
                IpAddr::V4(a) => {
                    fields.extend(h.mac.clone());
                    if h.mac.is_some() {
                        fields.push(a.to_string());
                        fields.extend(h.name.clone());
                    } else {
                        fields.extend(h.name.clone());
                        fields.push(a.to_string());
                    }
                }
                IpAddr::V6(a) => {
                    fields.extend(h.id.as_ref().map(|i| format!("id:{i}")));
                    fields.extend(h.name.clone());
                    fields.push(format!("[{a}]"));
                }
            }
            fields.extend(h.lease.as_ref().map(lease_time));
            out.push_str(&fields.join(","));
            out.push('\n');
        }
    }
    out
}

/// The DNS host records, as libvirt's `addnhostsWrite` writes them: an address, then each of
/// its names followed by a tab, one line per address (in the order first met).
pub fn addn_hosts(def: &NetworkDef) -> String {
    let mut lines: Vec<(IpAddr, Vec<&str>)> = Vec::new();
    for h in &def.dns.hosts {
        let at = match lines.iter().position(|(ip, _)| *ip == h.ip) {
            Some(i) => i,
            None => {
                lines.push((h.ip, Vec::new()));
                lines.len() - 1
            }
        };
        lines[at].1.extend(h.names.iter().map(String::as_str));
    }
    let mut out = String::new();
    for (ip, names) in lines {
        out.push_str(&ip.to_string());
        out.push('\t');
        for n in names {
            out.push_str(n);
            out.push('\t');
        }
        out.push('\n');
    }
    out
}

/// The pid of the network's dnsmasq, from its pid file, while that process is still it.
pub fn pid_of(files: &Files) -> Option<i32> {
    read_pid(&files.pid)
        .filter(|p| is_of(*p, files))
        .and_then(|p| i32::try_from(p).ok())
}

/// Whether the network's dnsmasq runs (its launch lock is held).
pub fn running(files: &Files) -> bool {
    state::is_held(&files.launch).unwrap_or(true)
}

/// Starts dnsmasq under a keeper that holds the network's launch lock; returns once dnsmasq
/// has written its pid file (it has bound its sockets by then).
pub fn start(files: &Files) -> Result<()> {
    let launch = state::try_lock(&files.launch)
        .map_err(|e| Error::system(format!("cannot lock {}", files.launch.display()), &e))?
        .ok_or_else(|| Error::operation_failed("a dnsmasq of this network is still running"))?;
    let _ = std::fs::remove_file(&files.pid);
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&files.log)
        .map_err(|e| Error::system(format!("cannot open {}", files.log.display()), &e))?;
    let log_start = log.metadata().map_or(0, |m| m.len());
    let exe = std::env::current_exe()
        .map_err(|e| Error::system("cannot find the virtsh program for dnsmasq's keeper", &e))?;
    let fd = launch.as_raw_fd();
    let mut command = Command::new(exe);
    command
        .env(KEEPER_ENV, "1")
        .arg("dnsmasq")
        .arg("--keep-in-foreground")
        .arg(format!("--conf-file={}", files.conf.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log);
    // SAFETY: between fork and exec only setsid and fcntl run, which are async-signal-safe.
    unsafe {
        command.pre_exec(move || {
            nix::unistd::setsid()?;
            // Hand the launch lock to the keeper: clear close-on-exec on its descriptor.
            let fd = std::os::fd::BorrowedFd::borrow_raw(fd);
            let flags = nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_GETFD)?;
            let flags =
                nix::fcntl::FdFlag::from_bits_truncate(flags) & !nix::fcntl::FdFlag::FD_CLOEXEC;
            nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_SETFD(flags))?;
            Ok(())
        });
    }
    let mut keeper = command
        .spawn()
        .map_err(|e| Error::system("cannot start dnsmasq's keeper", &e))?;
    drop(launch);
    let started = Instant::now();
    loop {
        if read_pid(&files.pid).is_some() {
            break;
        }
        if let Ok(Some(status)) = keeper.try_wait() {
            return Err(failure(files, log_start, status.code().unwrap_or(1)));
        }
        if started.elapsed() > WAIT {
            let _ = stop(files);
            return Err(Error::internal("dnsmasq did not start in time"));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // Reaped when it ends, so that no zombie lingers while this process lives.
    std::thread::spawn(move || keeper.wait());
    Ok(())
}

/// dnsmasq's own words on why it did not start (what it wrote to its log since `from`), as
/// libvirt reports a helper that failed.
fn failure(files: &Files, from: u64, status: i32) -> Error {
    let text = std::fs::File::open(&files.log)
        .and_then(|mut f| {
            use std::io::{Read, Seek};
            f.seek(std::io::SeekFrom::Start(from))?;
            let mut said = Vec::new();
            f.take(64 * 1024).read_to_end(&mut said)?;
            Ok(said)
        })
        .unwrap_or_default();
    let said = String::from_utf8_lossy(&text).trim().to_string();
    Error::internal(format!(
        "Child process (dnsmasq) unexpected exit status {status}: {said}"
    ))
}

fn read_pid(path: &Path) -> Option<u32> {
    let text = crate::sys::read_capped(path, 64).ok()?;
    String::from_utf8_lossy(&text).trim().parse().ok()
}

/// The processes of this network's dnsmasq (the keeper and dnsmasq): those whose command line
/// names its config file.
fn processes(files: &Files) -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| is_of(*pid, files))
        .collect()
}

fn is_dnsmasq(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "dnsmasq")
}

/// Stops the network's dnsmasq (its keeper reaps it and ends) and waits until the launch lock
/// is free and no dnsmasq of it is left. dnsmasq drops its privileges, which clears the signal
/// its keeper's death would send it: one whose keeper was killed is found by its pid file. The
/// processes are scanned only for a keeper whose dnsmasq wrote no pid file yet.
pub fn stop(files: &Files) -> Result<()> {
    let started = Instant::now();
    loop {
        let known = read_pid(&files.pid).filter(|p| is_of(*p, files));
        let held = running(files);
        if known.is_none() && !held {
            break;
        }
        let late = started.elapsed() > Duration::from_secs(3);
        match known {
            Some(pid) => {
                let _ = kill(Pid::from_raw(pid as i32), Signal::SIGTERM);
            }
            None => {
                for pid in processes(files) {
                    // The keeper goes by itself once dnsmasq has; only a stuck one is killed.
                    if is_dnsmasq(pid) {
                        let _ = kill(Pid::from_raw(pid as i32), Signal::SIGTERM);
                    } else if late {
                        let _ = kill(Pid::from_raw(pid as i32), Signal::SIGKILL);
                    }
                }
            }
        }
        if started.elapsed() > WAIT {
            return Err(Error::operation_failed(format!(
                "dnsmasq of {} did not stop",
                files.conf.display()
            )));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let _ = std::fs::remove_file(&files.pid);
    Ok(())
}

/// Whether `pid` is a process of this network's dnsmasq (guards against a reused pid).
fn is_of(pid: u32, files: &Files) -> bool {
    let needle = format!("--conf-file={}", files.conf.display());
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .is_ok_and(|c| c.split(|b| *b == 0).any(|a| a == needle.as_bytes()))
}

/// The leases dnsmasq handed out (its lease file: `EXPIRY MAC IP HOSTNAME CLIENTID`), those
/// of `mac` only when given; `iface` is the bridge, `prefix` the network's.
pub fn leases(files: &Files, iface: &str, prefix_of: impl Fn(&str) -> u32) -> Vec<DhcpLease> {
    let Ok(text) = crate::sys::read_capped(&files.leases, LEASES_MAX) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&text);
    let star = |s: &str| (s != "*").then(|| s.to_string());
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            // IPv6 lines follow a `duid` line and have the IAID in the MAC's place.
            if f.len() < 5 || f[0] == "duid" {
                return None;
            }
            let v6 = f[2].contains(':');
            Some(DhcpLease {
                iface: iface.to_string(),
                expiry_time: f[0].parse().ok()?,
                kind: i32::from(v6),
                mac: (!v6).then(|| f[1].to_string()),
                iaid: v6.then(|| f[1].to_string()),
                ipaddr: f[2].to_string(),
                prefix: prefix_of(f[2]),
                hostname: star(f[3]),
                clientid: star(f[4]),
            })
        })
        .collect()
}

/// When this process was started as a keeper: runs dnsmasq with `args` as its child until it
/// ends, and returns its exit status.
pub fn run_if_keeper(args: &[OsString]) -> Option<i32> {
    std::env::var_os(KEEPER_ENV)?;
    // Started as a keeper, it never runs as virtsh, whatever its arguments.
    let Some((program, rest)) = args.split_first() else {
        return Some(2);
    };
    if program != "dnsmasq" {
        return Some(2);
    }
    // The keeper outlives dnsmasq, to reap it: signals that would end it are ignored (a
    // stop signals dnsmasq itself).
    for sig in [Signal::SIGTERM, Signal::SIGINT, Signal::SIGHUP] {
        // SAFETY: setting a disposition to "ignore" installs no handler.
        let _ = unsafe { nix::sys::signal::signal(sig, nix::sys::signal::SigHandler::SigIgn) };
    }
    let mut child = Command::new(program);
    child.args(rest);
    // SAFETY: prctl and signal are async-signal-safe; dnsmasq gets the default dispositions
    // back and is told to stop when its keeper dies (until it drops its privileges).
    unsafe {
        child.pre_exec(|| {
            for sig in [Signal::SIGTERM, Signal::SIGINT, Signal::SIGHUP] {
                nix::sys::signal::signal(sig, nix::sys::signal::SigHandler::SigDfl)?;
            }
            nix::sys::prctl::set_pdeathsig(Signal::SIGTERM).map_err(Into::into)
        });
    }
    Some(match child.status() {
        Ok(s) => s.code().unwrap_or(1),
        Err(_) => 127,
    })
}

#[cfg(test)]
mod tests;
