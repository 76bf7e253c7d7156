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

use crate::error::{Error, Result};
use crate::model::NetworkDef;
use crate::state;
use crate::types::DhcpLease;

/// The environment variable that makes the virtsh binary a keeper.
const KEEPER_ENV: &str = "VIRTSH_NETWORK_KEEPER";

/// How long dnsmasq may take to start or stop.
const WAIT: Duration = Duration::from_secs(10);

/// The files of one network's dnsmasq.
pub struct Files {
    pub conf: PathBuf,
    pub leases: PathBuf,
    pub pid: PathBuf,
    pub log: PathBuf,
    pub hosts: PathBuf,
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
            launch: f("launch"),
        }
    }
}

/// Whether the network needs dnsmasq: it has an IPv4 or IPv6 address on its own bridge and
/// DNS is not turned off, or it serves DHCP.
pub fn needed(def: &NetworkDef) -> bool {
    if !def.has_own_bridge() || def.ips.is_empty() {
        return false;
    }
    let dhcp = def
        .ips
        .iter()
        .any(|i| !i.ranges.is_empty() || !i.hosts.is_empty());
    dhcp || def.dns.enable != Some(false)
}

/// dnsmasq's config for the network, as libvirt writes it (`networkDnsmasqConfContents`),
/// listening on the bridge only.
pub fn config(def: &NetworkDef, bridge: &str, files: &Files) -> String {
    let mut c = String::new();
    let mut line = |l: String| {
        c.push_str(&l);
        c.push('\n');
    };
    line("strict-order".into());
    line(format!("pid-file={}", files.pid.display()));
    line("except-interface=lo".into());
    line("bind-dynamic".into());
    line(format!("interface={bridge}"));
    if def.dns.enable == Some(false) {
        line("port=0".into());
    }
    if let Some(d) = &def.domain {
        if d.local_only == Some(true) {
            line(format!("local=/{}/", d.name));
        }
        line(format!("domain={}", d.name));
        line("expand-hosts".into());
    }
    for (domain, addr) in &def.dns.forwarders {
        match (domain, addr) {
            (Some(d), Some(a)) => line(format!("server=/{d}/{a}")),
            (Some(d), None) => line(format!("server=/{d}/#")),
            (None, Some(a)) => line(format!("server={a}")),
            (None, None) => {}
        }
    }
    for h in &def.dns.hosts {
        for n in &h.names {
            line(format!("host-record={n},{}", h.ip));
        }
    }
    for (name, value) in &def.dns.txts {
        line(format!("txt-record={name},{value}"));
    }
    let mut leases = 0u64;
    for ip in &def.ips {
        let prefix = ip.prefix_len();
        for r in &ip.ranges {
            let size = match (r.start, r.end) {
                (std::net::IpAddr::V4(s), std::net::IpAddr::V4(e)) => {
                    u64::from(u32::from(e).saturating_sub(u32::from(s))) + 1
                }
                _ => 0,
            };
            leases += size;
            let lease = r.lease.as_ref().map_or(String::new(), |l| match l.expiry {
                0 => ",infinite".into(),
                n => format!(",{n}{}", &l.unit[..1]),
            });
            if ip.address.is_ipv4() {
                let netmask =
                    std::net::Ipv4Addr::from(u32::MAX.checked_shl(32 - prefix).unwrap_or(0));
                line(format!("dhcp-range={},{},{netmask}{lease}", r.start, r.end));
            } else {
                line(format!("dhcp-range={},{},{prefix}{lease}", r.start, r.end));
            }
        }
        if ip.address.is_ipv4() && (!ip.ranges.is_empty() || !ip.hosts.is_empty()) {
            line("dhcp-no-override".into());
            line("dhcp-authoritative".into());
        }
        if let Some((file, server)) = &ip.bootp {
            match server {
                Some(s) => line(format!("dhcp-boot={file},,{s}")),
                None => line(format!("dhcp-boot={file}")),
            }
        }
    }
    if leases > 0 {
        line(format!("dhcp-lease-max={leases}"));
        line(format!("dhcp-hostsfile={}", files.hosts.display()));
        line(format!("dhcp-leasefile={}", files.leases.display()));
    }
    c
}

/// The static DHCP hosts, one `mac,ip,name` line each (dnsmasq's `dhcp-hostsfile`).
pub fn hostsfile(def: &NetworkDef) -> String {
    let mut out = String::new();
    for ip in def.ips.iter().filter(|i| i.address.is_ipv4()) {
        for h in &ip.hosts {
            let fields: Vec<String> = [h.mac.clone(), h.ip.map(|i| i.to_string()), h.name.clone()]
                .into_iter()
                .flatten()
                .collect();
            out.push_str(&fields.join(","));
            out.push('\n');
        }
    }
    out
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
        if let Ok(Some(_)) = keeper.try_wait() {
            return Err(failure(files, log_start));
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

/// dnsmasq's own words on why it did not start.
fn failure(files: &Files, from: u64) -> Error {
    let text = std::fs::read(&files.log).unwrap_or_default();
    let said = String::from_utf8_lossy(text.get(from as usize..).unwrap_or_default())
        .trim()
        .to_string();
    Error::internal(format!(
        "Child process (dnsmasq) unexpected exit status 1: {said}"
    ))
}

fn read_pid(path: &Path) -> Option<u32> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
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
    let Ok(text) = std::fs::read_to_string(&files.leases) else {
        return Vec::new();
    };
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
