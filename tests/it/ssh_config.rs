//! `~/.ssh/config` read as OpenSSH 10 reads it: for configurations of every form (aliases,
//! `=`, quotes, Include, Match, ProxyCommand, ports, a byte that is not UTF-8) what virtsh
//! resolves equals what `ssh -G` prints; what ssh refuses, virtsh refuses with ssh's lines, and
//! prints them as virsh prints them; a ProxyCommand is run as ssh runs it, and one that never
//! answers neither holds virtsh nor outlives it.

use crate::common;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use virtsh::driver::remote::ssh_config::{self, Family, Given, HostConfig, Sources, Strict};

use crate::common::sshd;

/// The keywords compared: those virtsh uses.
const KEYS: &[&str] = &[
    "user",
    "hostname",
    "port",
    "identitiesonly",
    "stricthostkeychecking",
    "serveralivecountmax",
    "serveraliveinterval",
    "hostkeyalias",
    "identityagent",
    "identityfile",
    "globalknownhostsfile",
    "userknownhostsfile",
    "connecttimeout",
    "proxycommand",
    "proxyjump",
    "addressfamily",
    "hashknownhosts",
];

fn account() -> nix::unistd::User {
    nix::unistd::User::from_uid(nix::unistd::getuid())
        .unwrap()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The lines of `ssh -G`'s output for the keywords compared, in its order (stable by keyword).
fn keyword_lines(out: &str) -> Vec<String> {
    let mut lines: Vec<String> = out
        .lines()
        .filter(|l| KEYS.contains(&l.split(' ').next().unwrap_or("")))
        .map(String::from)
        .collect();
    lines.sort_by_key(|l| KEYS.iter().position(|k| l.split(' ').next() == Some(k)));
    lines
}

/// What virtsh resolved, as `ssh -G` prints it.
fn shown(c: &HostConfig) -> Vec<String> {
    let list = |l: &[Vec<u8>]| match l.is_empty() {
        true => "none".to_string(),
        false => l.iter().map(|f| text(f)).collect::<Vec<_>>().join(" "),
    };
    let mut lines = vec![
        format!("user {}", c.user),
        format!("hostname {}", c.host_name),
        format!("port {}", c.port),
        format!(
            "identitiesonly {}",
            if c.identities_only { "yes" } else { "no" }
        ),
        format!(
            "stricthostkeychecking {}",
            match c.strict_host_key_checking {
                Strict::Yes => "true",
                Strict::Off => "false",
                Strict::Ask => "ask",
                Strict::AcceptNew => "accept-new",
            }
        ),
        format!(
            "addressfamily {}",
            match c.address_family {
                Family::Any => "any",
                Family::Inet => "inet",
                Family::Inet6 => "inet6",
            }
        ),
        format!(
            "hashknownhosts {}",
            if c.hash_known_hosts { "yes" } else { "no" }
        ),
        format!("serveralivecountmax {}", c.server_alive_count_max),
        format!("serveraliveinterval {}", c.server_alive_interval),
    ];
    lines.extend(c.host_key_alias.iter().map(|a| format!("hostkeyalias {a}")));
    lines.extend(
        c.identity_agent
            .iter()
            .map(|a| format!("identityagent {}", text(a))),
    );
    lines.extend(
        c.identity_files
            .iter()
            .map(|f| format!("identityfile {}", text(f))),
    );
    lines.push(format!(
        "globalknownhostsfile {}",
        list(&c.global_known_hosts)
    ));
    lines.push(format!("userknownhostsfile {}", list(&c.user_known_hosts)));
    lines.push(match c.connect_timeout {
        Some(t) => format!("connecttimeout {t}"),
        None => "connecttimeout none".into(),
    });
    lines.extend(
        c.proxy_command
            .iter()
            .map(|p| format!("proxycommand {}", text(p))),
    );
    lines.extend(c.proxy_jump.iter().map(|j| format!("proxyjump {j}")));
    keyword_lines(&lines.join("\n"))
}

/// `ssh -G -F FILE [-l USER] HOST`: its lines for the keywords compared, or its error lines.
fn theirs(file: &Path, host: &str, user: Option<&str>) -> Result<Vec<String>, Vec<String>> {
    let mut c = Command::new("ssh");
    c.args(["-G", "-T", "-F"]).arg(file);
    if let Some(u) = user {
        c.args(["-l", u]);
    }
    let o = c
        .arg(host)
        .output()
        .expect("ssh (openssh-client) is installed");
    match o.status.success() {
        true => Ok(keyword_lines(&text(&o.stdout))),
        false => Err(lines(&text(&o.stderr))),
    }
}

/// ssh's error lines, cut at its line ends.
fn lines(stderr: &str) -> Vec<String> {
    stderr
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// virtsh's reading of the same file, as `ssh -F` reads it (no system file, no owner check).
fn ours(file: &Path, host: &str, user: Option<&str>) -> Result<Vec<String>, Vec<String>> {
    let me = account();
    let sources = Sources {
        home: me.dir.clone(),
        user_file: file.to_path_buf(),
        check_user_file: false,
        system_file: None,
        local_user: me.name.clone(),
        command_limit: Duration::from_secs(10),
    };
    let given = Given { user, port: None };
    ssh_config::resolve(host, given, &sources)
        .map(|c| shown(&c))
        .map_err(|e| lines(&e.stderr))
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

#[test]
fn configurations_resolve_as_ssh_g_prints_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    std::fs::create_dir(dir.path().join("conf.d")).unwrap();
    write(
        &dir.path().join("conf.d/1.conf"),
        b"Host inc\n  HostName first.example\nMatch originalhost inc\n  Port 2301\n",
    );
    write(
        &dir.path().join("conf.d/2.conf"),
        b"Host inc\n  HostName second.example\n  User inc2\n",
    );
    let configs: Vec<(Vec<u8>, &[&str])> = vec![
        (
            b"Host lab lab.* !lab.bad\n  HostName 127.0.0.1\n  Port 2222\n  User admin\n\
              Host *.example.COM\n  User upper\nHost *\n  User nobody\n  IdentityFile ~/.ssh/fallback\n"
                .to_vec(),
            &["lab", "lab.x", "lab.bad", "LAB", "a.example.com", "a.example.COM"],
        ),
        (
            b"HostName = 10.0.0.1\nPort=2200\nUser =bob\nIdentityFile= /tmp/x\nConnectTimeout  =  7\n\
              ServerAliveInterval=1m\nServerAliveCountMax = 5\nStrictHostKeyChecking=accept-new\n\
              IdentitiesOnly=yes\n"
                .to_vec(),
            &["any"],
        ),
        (
            b"Host q\n  HostName \"q.example\"\n  IdentityFile \"/tmp/with space\"\n  IdentityFile /tmp/esc\\ aped\n\
              IdentityFile '/tmp/single\"quote'\n  UserKnownHostsFile \"/tmp/a b\" /tmp/c\n  HostKeyAlias \"MiXed\"\n\
              GlobalKnownHostsFile none\n  StrictHostKeyChecking no\n"
                .to_vec(),
            &["q"],
        ),
        (
            format!("Include {d}/conf.d/*.conf\nHost inc\n  Port 9\n  IdentityFile /tmp/inc\n").into_bytes(),
            &["inc", "other"],
        ),
        (
            b"Match host 127.0.0.* user root\n  Port 3333\nMatch originalhost M*,!m2 localuser *\n  IdentitiesOnly yes\n\
              Match exec \"test %n = m1\"\n  HostKeyAlias execd\nHost m1 m2\n  HostName 127.0.0.5\n\
              Match all\n  ServerAliveCountMax 9\n"
                .to_vec(),
            &["m1", "m2", "m3"],
        ),
        (
            b"Host p\n  ProxyCommand sh -c \"exec nc %h %p\"  # kept\nHost pj\n  ProxyJump u@10.0.0.1:2222,b\n\
              ProxyCommand nc x y\nHost pc\n  ProxyCommand = nc %h %p\n  ProxyJump x\nHost pn\n  ProxyJump none\n\
              ProxyCommand nc\nHost p6\n  ProxyJump ssh://r%40x@h.example:2022/,[::1]:23\n"
                .to_vec(),
            &["p", "pj", "pc", "pn", "p6"],
        ),
        (
            b"Host p1\n  Port +22\nHost p2\n  Port ssh\nHost p3\n  Port \" 2022\"\n".to_vec(),
            &["p1", "p2", "p3"],
        ),
        (
            b"# caf\xe9 cr\xe8me\nHost u\n  HostName 127.0.0.1 # \xe9t\xe9\n  IdentityFile /tmp/k\xe9y\n".to_vec(),
            &["u"],
        ),
        (
            b"Host t\n  User %L-%i\n  UserKnownHostsFile /tmp/%h-%p-%r-%u-%C-%n-%k-%l-%d-%j ~/kh\n\
              IdentityAgent /tmp/agent-%h\n  HostName %h.example\n  ProxyJump j1\n"
                .to_vec(),
            &["t"],
        ),
        (
            b"Match final host final.example\n  User fin\nHost f\n  HostName Final.Example\n".to_vec(),
            &["f"],
        ),
        // A negated `final` asks for the final pass too (as OpenSSH 10.0 does), where
        // `canonical` matches.
        (
            b"Match !final\n  Port 2022\nMatch canonical\n  User canon\nMatch !canonical host x\n  IdentitiesOnly yes\n"
                .to_vec(),
            &["x", "y"],
        ),
        (
            b"Match canonical\n  User canon\nMatch final !canonical\n  Port 2\nMatch final\n  HostKeyAlias fin\n".to_vec(),
            &["x"],
        ),
        (
            b"Host a\n  AddressFamily inet6\n  HashKnownHosts yes\nHost *\n  AddressFamily inet\n  HashKnownHosts no\n".to_vec(),
            &["a", "b"],
        ),
        (b"IgnoreUnknown UseKeychain,Add*\nUseKeychain yes\nAddSomething x\n".to_vec(), &["x"]),
    ];
    let file = dir.path().join("config");
    for (config, hosts) in &configs {
        write(&file, config);
        for host in *hosts {
            for user in [None, Some("root")] {
                let want = theirs(&file, host, user);
                assert!(want.is_ok(), "ssh -G {host}: {want:?}\n{}", text(config));
                assert_eq!(
                    ours(&file, host, user),
                    want,
                    "{host} as {user:?} in\n{}",
                    text(config)
                );
            }
        }
    }
}

#[test]
fn refused_configurations_fail_with_ssh_s_lines() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config");
    let f = file.display();
    let cases: Vec<Vec<u8>> = vec![
        b"Host lab\n  Port 99999\n".to_vec(),
        b"Port 0\n".to_vec(),
        b"HostName \"\"\n".to_vec(),
        b"HostName \"open\n".to_vec(),
        b"HostName a b\n".to_vec(),
        b"Port\n".to_vec(),
        b"Host lab\n  bogus x\n  other y\n".to_vec(),
        b"Match bogus\n".to_vec(),
        b"Match bogus x\n".to_vec(),
        b"Match all host x\n".to_vec(),
        b"Include /dev/zero\n".to_vec(),
        format!("Include {f}\n").into_bytes(),
        b"HostName %p.example\n".to_vec(),
        b"User %C\n".to_vec(),
        b"UserKnownHostsFile /tmp/%q\n".to_vec(),
        b"IdentityAgent ${VIRTSH_NO_SUCH_VARIABLE}\n".to_vec(),
        b"Host elsewhere\n  Port 70000\n  ForwardX11 maybe\n  ServerAliveInterval soon\n".to_vec(),
        b"ProxyJump a:99999\n".to_vec(),
        b"caf\xe9 x\n".to_vec(),
        b"UserKnownHostsFile none /tmp/x\n".to_vec(),
        b"ConnectionAttempts many\n".to_vec(),
    ];
    for config in &cases {
        write(&file, config);
        let want = theirs(&file, "lab", None);
        assert!(want.is_err(), "ssh takes\n{}", text(config));
        assert_eq!(ours(&file, "lab", None), want, "in\n{}", text(config));
    }
}

/// Configurations made of random pieces (keywords, separators, quotes, values good and bad):
/// virtsh resolves or refuses each as `ssh -G` does. `VIRTSH_SSH_CONFIG_ROUNDS` sets how many
/// (200), `VIRTSH_SSH_CONFIG_SEED` where the pieces start (1).
#[test]
fn random_configurations_read_as_ssh_reads_them() {
    const KEYWORDS: &[&str] = &[
        "HostName",
        "hostname",
        "\"HostName\"",
        "Port",
        "User",
        "IdentityFile",
        "IdentityAgent",
        "ProxyCommand",
        "ProxyJump",
        "Host",
        "Match",
        "Include",
        "ConnectTimeout",
        "ServerAliveInterval",
        "ServerAliveCountMax",
        "StrictHostKeyChecking",
        "HostKeyAlias",
        "UserKnownHostsFile",
        "GlobalKnownHostsFile",
        "IdentitiesOnly",
        "IgnoreUnknown",
        "Tag",
        "ForwardX11",
        "Compression",
        "ConnectionAttempts",
        "bogus",
        "#",
        "Ho\"st",
    ];
    const SEPARATORS: &[&str] = &[" ", "=", " = ", "\t", "==", " =", "\"", ""];
    const VALUES: &[&str] = &[
        "x",
        "lab",
        "LAB",
        "\"a b\"",
        "'q'",
        "a\\ b",
        "\"open",
        "22",
        "+22",
        "0",
        "99999",
        "ssh",
        "none",
        "yes",
        "ask",
        "accept-new",
        "1m",
        "1x",
        "%h",
        "%p",
        "%z",
        "%%",
        "%C",
        "#c",
        "a#b",
        "u@h:2",
        "a,b",
        "ssh://u@h:22",
        "[::1]:22",
        "127.1",
        "!lab",
        "*",
        "l?b",
        "all",
        "host lab",
        "user root",
        "originalhost LAB",
        "exec true",
        "final",
        "\"\"",
        "a b",
        "${HOME}",
        "~/x",
        "-1",
        "/dev/null",
        "caf\u{e9}",
        "\r",
        "=x",
    ];
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config");
    let mut seed = common::knob("VIRTSH_SSH_CONFIG_SEED", 1) as u64;
    let mut pick = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    for round in 0..common::knob("VIRTSH_SSH_CONFIG_ROUNDS", 200) {
        let mut config = String::new();
        for _ in 0..=pick(5) {
            config.push_str(["", "  ", "\t"][pick(3)]);
            config.push_str(KEYWORDS[pick(KEYWORDS.len())]);
            config.push_str(SEPARATORS[pick(SEPARATORS.len())]);
            for _ in 0..pick(3) {
                config.push_str(VALUES[pick(VALUES.len())]);
                config.push_str([" ", "", "\t"][pick(3)]);
            }
            config.push_str(["\n", " \n", "\r\n"][pick(3)]);
        }
        write(&file, config.as_bytes());
        for host in ["lab", "LAB", "127.1"] {
            let user = [None, Some("root")][round % 2];
            assert_eq!(
                ours(&file, host, user),
                theirs(&file, host, user),
                "round {round}, {host} as {user:?} in\n{config}"
            );
        }
    }
}

/// A HOME whose `ssh` (on PATH, for virsh) reads the same `~/.ssh/config` virtsh reads.
fn home_reading_its_config() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".ssh")).unwrap();
    std::fs::create_dir_all(home.path().join("bin")).unwrap();
    let wrapper = home.path().join("bin/ssh");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nexec /usr/bin/ssh -F {} \"$@\"\n",
            home.path().join(".ssh/config").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    home
}

fn run_in(program: &str, home: &Path, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .env(
            "PATH",
            format!("{}:/usr/bin:/bin", home.join("bin").display()),
        )
        .env("HOME", home)
        .env("XDG_RUNTIME_DIR", home)
        .output()
        .unwrap()
}

/// What stock virsh prints when the ssh it runs refuses the configuration (libvirt wraps
/// ssh's stderr in "Cannot recv data", its `\r\n`s kept), virtsh prints.
#[test]
fn refused_configurations_print_what_virsh_prints() {
    let home = home_reading_its_config();
    let config = home.path().join(".ssh/config");
    let lab = "Host lab\n  HostName 127.0.0.1\n  Port 1\n";
    let many: String = (0..41).map(|i| format!("  bogus{i} x\n")).collect();
    let cases = [
        format!("{lab}  Port 99999\n  bogus x\n"),
        format!("{lab}  HostName \"\"\n"),
        format!("{lab}Match all host x\n"),
        format!("{lab}  ProxyCommand nc %u %p\n"),
        format!("{lab}Include /dev/zero\n"),
        format!("{lab}{many}"),
    ];
    let args = ["-c", "qemu+ssh://lab/system", "list"];
    // libvirt's first write races ssh's exit: when ssh is gone first, virsh reports a closed
    // socket instead of ssh's lines; the lines are what it reports otherwise.
    let virsh = |home: &Path| {
        let mut o = run_in("virsh", home, &args);
        for _ in 0..10 {
            if !text(&o.stderr).contains("client socket is closed") {
                break;
            }
            o = run_in("virsh", home, &args);
        }
        o
    };
    for case in &cases {
        write(&config, case.as_bytes());
        let (theirs, ours) = (
            virsh(home.path()),
            run_in(env!("CARGO_BIN_EXE_virtsh"), home.path(), &args),
        );
        assert_eq!(
            (ours.status.code(), text(&ours.stderr)),
            (theirs.status.code(), text(&theirs.stderr)),
            "{case}"
        );
    }
    // The user's own file, writable by its group: ssh refuses it (a file given with -F,
    // as virsh's ssh gets it here, is not checked).
    write(&config, lab.as_bytes());
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o664)).unwrap();
    let o = run_in(
        env!("CARGO_BIN_EXE_virtsh"),
        home.path(),
        &["-c", "qemu+ssh://lab/system", "list"],
    );
    assert_eq!(
        text(&o.stderr),
        format!(
            "error: failed to connect to the hypervisor\nerror: Cannot recv data: Bad owner or permissions on {}: Connection reset by peer\n",
            config.display()
        )
    );
}

/// A ProxyCommand with quotes (`sh -c "exec nc %h %p"`) reaches the loopback sshd, and virtsh
/// prints what virsh prints through it.
#[test]
fn a_proxy_command_with_quotes_reaches_the_host() {
    let d = sshd::start();
    let home = d.home.path();
    let block = format!(
        "Host viaproxy\n  HostName 127.0.0.1\n  Port {}\n  User root\n  ProxyCommand sh -c \"exec nc %h %p\"\n",
        d.port
    );
    write(&home.join(".ssh/config"), block.as_bytes());
    let wrapper_config = home.join("ssh_config");
    let mut both = std::fs::read_to_string(&wrapper_config).unwrap();
    both.push_str(&block);
    std::fs::write(&wrapper_config, both).unwrap();
    let on = |program: &str| {
        let mut c = Command::new(program);
        c.args([
            "-c",
            "test+ssh://viaproxy/default?warm=0",
            "uri; hostname; nodeinfo",
        ]);
        sshd::environment(&mut c, home);
        c.output().unwrap()
    };
    let (theirs, ours) = (on("virsh"), on(env!("CARGO_BIN_EXE_virtsh")));
    assert!(theirs.status.success(), "virsh: {}", text(&theirs.stderr));
    assert_eq!(
        (ours.status.code(), text(&ours.stdout)),
        (theirs.status.code(), text(&theirs.stdout)),
        "{}",
        text(&ours.stderr)
    );
}

/// The processes running `sleep SECONDS`.
fn sleeping(seconds: &str) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|c| c == format!("sleep\0{seconds}\0").as_bytes())
        })
        .collect()
}

/// A ProxyCommand that never answers: `out=$(virtsh ... 2>&1)` returns within a few seconds
/// of `connect_timeout` with an error, and the command is gone (hung up on), so nothing of it
/// holds virtsh's output.
#[test]
fn a_silent_proxy_command_neither_holds_nor_outlives_virtsh() {
    const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
    let home = home_reading_its_config();
    // A length of sleep no other test uses.
    let seconds = "987654";
    write(
        &home.path().join(".ssh/config"),
        format!("Host silent\n  ProxyCommand sleep {seconds}\n").as_bytes(),
    );
    let started = Instant::now();
    let mut shell = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "out=$('{}' -c 'qemu+ssh://silent/system?connect_timeout={}' list 2>&1); echo \"$out\"",
            env!("CARGO_BIN_EXE_virtsh"),
            CONNECT_TIMEOUT.as_secs()
        ))
        .env("HOME", home.path())
        .env("XDG_RUNTIME_DIR", home.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    while shell.try_wait().unwrap().is_none() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let took = started.elapsed();
    // Hung up on as virtsh ends: gone within moments (the signal's delivery is not
    // synchronous with virtsh's exit), never left running.
    let mut left = sleeping(seconds);
    while !left.is_empty() && started.elapsed() < took + Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
        left = sleeping(seconds);
    }
    for pid in &left {
        let _ = Command::new("kill").arg(pid.to_string()).status();
    }
    let _ = shell.kill();
    let out = shell.wait_with_output().unwrap();
    // connect_timeout, and a few seconds for starting up and ending.
    assert!(took < CONNECT_TIMEOUT + Duration::from_secs(6), "{took:?}");
    assert!(
        left.is_empty(),
        "the ProxyCommand is still running: {left:?}"
    );
    let printed = text(&out.stdout);
    assert!(
        printed.starts_with("error: failed to connect to the hypervisor\nerror: Cannot connect to silent:22: ssh handshake failed"),
        "{printed}"
    );
}

/// A setting that would change where or how ssh connects, which virtsh cannot honour, is
/// refused with its file and line before anything is connected; so is a `connect_timeout`
/// that is not a number of seconds.
#[test]
fn what_virtsh_cannot_honour_is_refused_with_where_it_is() {
    let home = home_reading_its_config();
    let config = home.path().join(".ssh/config");
    write(
        &config,
        b"Host lab\n  HostName 127.0.0.1\n  Port 1\n  CanonicalizeHostname yes\n",
    );
    let virtsh = |uri: &str| {
        let o = run_in(
            env!("CARGO_BIN_EXE_virtsh"),
            home.path(),
            &["-c", uri, "list"],
        );
        (o.status.code(), text(&o.stderr))
    };
    assert_eq!(
        virtsh("qemu+ssh://lab/system"),
        (
            Some(1),
            format!(
                "error: failed to connect to the hypervisor\nerror: unsupported configuration: {} line 4: virtsh does not support CanonicalizeHostname yes\n",
                config.display()
            )
        )
    );
    write(&config, b"Host lab\n  HostName 127.0.0.1\n  Port 1\n");
    assert_eq!(
        virtsh("qemu+ssh://lab/system?connect_timeout=abc"),
        (
            Some(1),
            "error: failed to connect to the hypervisor\nerror: invalid argument: invalid value 'abc' for the URI parameter connect_timeout: give the seconds a connection may take to be made (0: the default)\n".to_string()
        )
    );
}

/// `Match exec` runs in the user's shell as a ProxyCommand does: `/bin/sh` when `SHELL` is
/// empty, without the variable that makes the virtsh binary a keeper (a keeper, which has it,
/// reads the configuration too).
#[test]
fn match_exec_runs_in_the_shell_a_proxy_command_runs_in() {
    let home = home_reading_its_config();
    let seen = home.path().join("seen");
    write(
        &home.path().join(".ssh/config"),
        format!(
            "Match exec \"env > {}\"\n  HostName 127.0.0.1\n  Port 1\n",
            seen.display()
        )
        .as_bytes(),
    );
    // A keeper for the URI: it reads the configuration, cannot connect, and ends.
    let o = Command::new(env!("CARGO_BIN_EXE_virtsh"))
        .arg("qemu+ssh://lab/system")
        .env("VIRTSH_WARM_KEEPER", "rw")
        .env("SHELL", "")
        .env("HOME", home.path())
        .env("XDG_RUNTIME_DIR", home.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let env = std::fs::read_to_string(&seen).expect("the command ran");
    assert!(env.contains("HOME="), "{env}");
    assert!(!env.contains("VIRTSH_WARM_KEEPER"), "{env}");
}
