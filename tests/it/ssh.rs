//! The ssh transport against Debian's sshd, started here on 127.0.0.1 with keys and a
//! known_hosts made for the test: the golden suite over `test+ssh://` prints what the real
//! virsh prints on the same URI (through the warm connections one-shots leave); a real domain
//! goes through its lifecycle over `qemu+ssh://`; an unknown host, a changed key, a revoked
//! key, a wrong user and a refused port each give their error; `~/.ssh/config` (aliases, keys,
//! ProxyJump, ProxyCommand, host key rules) is honoured. The warm connections themselves are
//! `ssh_warm.rs`'s.

use crate::common;
use std::net::TcpListener;
use std::process::Command;

use crate::common::golden::{assert_same_over, private_default};
use crate::common::run_at as run;
use crate::common::sshd::{self, keygen, pubkey};

#[test]
fn golden_cases_over_ssh_match_virsh() {
    let d = sshd::start();
    let uri = format!("test+ssh://root@127.0.0.1:{}{}", d.port, private_default());
    assert_same_over(&uri, |c| sshd::environment(c, d.home.path()));
}

#[test]
fn a_real_domain_over_qemu_ssh() {
    const DOMAIN: &str = "virtsh-ssh-test";
    common::libvirtd::daemon_answers();
    let d = sshd::start();
    let uri = format!("qemu+ssh://root@127.0.0.1:{}/system", d.port);
    let xml = d.home.path().join("d.xml");
    std::fs::write(
        &xml,
        format!(
            "<domain type='qemu'><name>{DOMAIN}</name><memory unit='MiB'>64</memory>\
             <os><type arch='x86_64'>hvm</type></os></domain>"
        ),
    )
    .unwrap();
    let virtsh = |script: &str| {
        run(
            env!("CARGO_BIN_EXE_virtsh"),
            d.home.path(),
            &["-q".into(), "-c".into(), uri.clone(), script.into()],
        )
    };
    let _ = virtsh(&format!("destroy {DOMAIN}; undefine {DOMAIN}"));
    let o = virtsh(&format!("define {}", xml.display()));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    common::libvirtd::start_domain(DOMAIN, || virtsh(&format!("start {DOMAIN}")));
    let o = virtsh(&format!(
        "suspend {DOMAIN}; resume {DOMAIN}; domstate --reason {DOMAIN}; destroy {DOMAIN}; undefine {DOMAIN}"
    ));
    assert_eq!(
        (o.status.success(), String::from_utf8_lossy(&o.stdout)),
        (true, "running (unpaused)\n".into()),
        "{}\n{}",
        String::from_utf8_lossy(&o.stderr),
        common::libvirtd::logs_of(DOMAIN)
    );

    // A dir pool with a qcow2 volume: created, uploaded to, downloaded from, deleted.
    let target = d.home.path().join("pool");
    std::fs::create_dir(&target).unwrap();
    let (up, down) = (d.home.path().join("up.bin"), d.home.path().join("down.bin"));
    let data: Vec<u8> = (0..1_500_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&up, &data).unwrap();
    let _ = virtsh("pool-destroy virtsh-ssh-pool");
    let o = virtsh(&format!(
        "pool-create-as virtsh-ssh-pool dir --target {}; vol-create-as virtsh-ssh-pool v.qcow2 4M --format qcow2; \
         vol-upload v.qcow2 {} --pool virtsh-ssh-pool; vol-download v.qcow2 {} --pool virtsh-ssh-pool --length 1500000; \
         vol-delete v.qcow2 --pool virtsh-ssh-pool; pool-destroy virtsh-ssh-pool",
        target.display(),
        up.display(),
        down.display()
    ));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read(&down).unwrap(), data);
    assert!(!target.join("v.qcow2").exists());

    // The daemon socket the URI names is the one reached (with netcat, as virsh does): the
    // read-only socket refuses a change.
    let ro = format!("{uri}?socket=/run/libvirt/libvirt-sock-ro");
    let o = run(
        env!("CARGO_BIN_EXE_virtsh"),
        d.home.path(),
        &[
            "-c".into(),
            ro,
            format!("list --all --name; define {}", xml.display()),
        ],
    );
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("operation forbidden: read only access prevents virDomainDefineXML"),
        "{e}"
    );
}

#[test]
fn ssh_failures_say_what_to_do() {
    let d = sshd::start();
    let err = |uri: &str| {
        let o = run(
            env!("CARGO_BIN_EXE_virtsh"),
            d.home.path(),
            &["-c".into(), uri.into(), "uri".into()],
        );
        assert_eq!(o.status.code(), Some(1), "{uri}");
        String::from_utf8(o.stderr).unwrap()
    };
    let base = format!("qemu+ssh://root@127.0.0.1:{}/system", d.port);
    // Unknown host: an empty known_hosts.
    let empty = d.home.path().join("empty_known_hosts");
    std::fs::write(&empty, "").unwrap();
    let e = err(&format!("{base}?known_hosts={}", empty.display()));
    assert!(
        e.contains("is not known") && e.contains("SHA256:") && e.contains("ssh-keyscan"),
        "{e}"
    );
    // Changed key: known_hosts names another key for the host.
    let other = d.home.path().join("other_key");
    keygen(&other);
    let changed = d.home.path().join("changed_known_hosts");
    std::fs::write(
        &changed,
        format!("[127.0.0.1]:{} {}\n", d.port, pubkey(&other)),
    )
    .unwrap();
    let e = err(&format!("{base}?known_hosts={}", changed.display()));
    assert!(
        e.contains("does not match") && e.contains("ssh-keygen -R"),
        "{e}"
    );
    // Wrong key: a key file the server does not authorise.
    let e = err(&format!("{base}?keyfile={}", other.display()));
    assert!(
        e.contains("authentication failed") && e.contains("root"),
        "{e}"
    );
    // Wrong user.
    let e = err(&format!(
        "qemu+ssh://nosuchuser@127.0.0.1:{}/system",
        d.port
    ));
    assert!(
        e.contains("authentication failed") && e.contains("nosuchuser"),
        "{e}"
    );
    // Refused port.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = err(&format!("qemu+ssh://root@127.0.0.1:{closed}/system"));
    assert!(
        e.contains(&format!(
            "Cannot connect to 127.0.0.1:{closed}: Connection refused"
        )),
        "{e}"
    );
    // no_verify=1 skips the check.
    assert!(run(
        env!("CARGO_BIN_EXE_virtsh"),
        d.home.path(),
        &[
            "-c".into(),
            format!("{base}?no_verify=1&known_hosts={}", empty.display()),
            "uri".into()
        ]
    )
    .status
    .success());
}

/// libvirtd's network driver over `qemu+ssh://`: virtsh prints what virsh prints.
#[test]
fn networks_over_qemu_ssh_print_as_virsh() {
    const NETWORK: &str = "virtsh-ssh-net";
    common::libvirtd::daemon_answers();
    let d = sshd::start();
    let uri = format!("qemu+ssh://root@127.0.0.1:{}/system", d.port);
    let xml = d.home.path().join("net.xml");
    std::fs::write(
        &xml,
        format!(
            "<network><name>{NETWORK}</name><uuid>7d3e1f9e-8a43-4a86-9f58-3c1a3a0c5b29</uuid>\
             <bridge name='vtsh-ssh0'/><mac address='52:54:00:0a:0b:09'/>\
             <ip address='192.168.219.1' prefix='24'/></network>"
        ),
    )
    .unwrap();
    let script = format!(
        "net-define {}; net-info {NETWORK}; net-dumpxml {NETWORK} --inactive; \
         net-desc {NETWORK} --config --new-desc over-ssh; net-list --all --title; \
         net-autostart {NETWORK}; net-undefine {NETWORK}; net-info {NETWORK}",
        xml.display()
    );
    let both = |program: &str| {
        let _ = run(
            program,
            d.home.path(),
            &["-c".into(), uri.clone(), format!("net-undefine {NETWORK}")],
        );
        let o = run(
            program,
            d.home.path(),
            &["-c".into(), uri.clone(), script.clone()],
        );
        (
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let virsh = both("virsh");
    assert!(
        virsh.0.contains("Network description updated successfully"),
        "{virsh:?}"
    );
    assert_eq!(both(env!("CARGO_BIN_EXE_virtsh")), virsh);
}

/// `~/.ssh/config` as OpenSSH reads it: an alias with its own key (IdentitiesOnly), a
/// ProxyJump chain, a ProxyCommand, a HostKeyAlias, and StrictHostKeyChecking; what works
/// prints what virsh prints on the same URI, a wrong or unknown key behind an alias is refused.
#[test]
fn ssh_config_is_honoured_as_openssh_honours_it() {
    let d = sshd::start();
    let home = d.home.path();
    let ssh = home.join(".ssh");
    let port = d.port;
    // A key of its own for the alias, accepted by the server.
    keygen(&ssh.join("lab_key"));
    let mut authorized = std::fs::read_to_string(home.join("authorized_keys")).unwrap();
    authorized.push_str(&std::fs::read_to_string(ssh.join("lab_key.pub")).unwrap());
    std::fs::write(home.join("authorized_keys"), authorized).unwrap();
    // The server's key under an alias, and a wrong key under another (OpenSSH looks a
    // HostKeyAlias up as it is, without the port).
    let host_key = pubkey(&home.join("host_key"));
    keygen(&home.join("other_key"));
    let other = pubkey(&home.join("other_key"));
    let mut known = std::fs::read_to_string(ssh.join("known_hosts")).unwrap();
    known.push_str(&format!("labkey {host_key}\nwrong {other}\n"));
    std::fs::write(ssh.join("known_hosts"), known).unwrap();
    let block = |alias: &str, extra: &str| {
        format!("Host {alias}\n  HostName 127.0.0.1\n  Port {port}\n  User root\n{extra}")
    };
    let config = [
        block(
            "lab1",
            &format!(
                "  IdentityFile {}\n  IdentitiesOnly yes\n",
                ssh.join("lab_key").display()
            ),
        ),
        block("jumped", "  ProxyJump lab1,lab1\n"),
        block("viacmd", "  ProxyCommand nc %h %p\n"),
        // The key only in an agent on a socket of its own; no key file to fall back on.
        block(
            "agent",
            &format!(
                "  IdentityAgent {}\n  IdentityFile {}\n",
                home.join("agent.sock").display(),
                home.join("no_such_key").display()
            ),
        ),
        block("aliased", "  HostKeyAlias labkey\n"),
        block("wrongkey", "  HostKeyAlias wrong\n"),
        block("unknownkey", "  HostKeyAlias nosuch\n  StrictHostKeyChecking yes\n"),
        block(
            "acceptnew",
            &format!(
                "  HostKeyAlias newalias\n  StrictHostKeyChecking accept-new\n  UserKnownHostsFile {}\n\
                 HashKnownHosts yes\n",
                ssh.join("known_new").display()
            ),
        ),
    ]
    .concat();
    // virtsh reads $HOME/.ssh/config; virsh's ssh reads the wrapper's -F file: the same text.
    std::fs::write(ssh.join("config"), &config).unwrap();
    let wrapper_config = home.join("ssh_config");
    let mut both = std::fs::read_to_string(&wrapper_config).unwrap();
    both.push_str(&config);
    std::fs::write(&wrapper_config, both).unwrap();
    let on = |program: &str, alias: &str| {
        run(
            program,
            home,
            &[
                "-c".into(),
                format!("test+ssh://{alias}/default"),
                // What no other test of this file changes: libvirtd shares test:///default
                // between the connections open at a time.
                "uri; hostname; nodeinfo".into(),
            ],
        )
    };
    let agent = Command::new("ssh-agent")
        .arg("-a")
        .arg(home.join("agent.sock"))
        .output()
        .expect("ssh-agent (openssh-client) is installed");
    let agent_pid = String::from_utf8_lossy(&agent.stdout)
        .split("SSH_AGENT_PID=")
        .nth(1)
        .and_then(|r| r.split(';').next())
        .map(String::from)
        .expect("ssh-agent says its pid");
    let added = Command::new("ssh-add")
        .arg(ssh.join("lab_key"))
        .env("SSH_AUTH_SOCK", home.join("agent.sock"))
        .output()
        .unwrap();
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    for alias in ["lab1", "jumped", "viacmd", "agent", "aliased", "acceptnew"] {
        let (theirs, ours) = (on("virsh", alias), on(env!("CARGO_BIN_EXE_virtsh"), alias));
        assert!(
            theirs.status.success(),
            "virsh over {alias}: {}",
            String::from_utf8_lossy(&theirs.stderr)
        );
        assert_eq!(
            (ours.status.code(), String::from_utf8_lossy(&ours.stdout)),
            (
                theirs.status.code(),
                String::from_utf8_lossy(&theirs.stdout)
            ),
            "over {alias}: {}",
            String::from_utf8_lossy(&ours.stderr)
        );
    }
    // accept-new wrote the key under its alias, hashed (HashKnownHosts), to the file the
    // configuration names: ssh finds it there.
    let written = std::fs::read_to_string(ssh.join("known_new")).unwrap_or_default();
    assert!(written.starts_with("|1|"), "{written}");
    let found = Command::new("ssh-keygen")
        .args(["-F", "newalias", "-f"])
        .arg(ssh.join("known_new"))
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&found.stdout).contains(&host_key),
        "{written}"
    );
    // A key that does not match, and one not known where checking is strict: refused.
    let wrong = on(env!("CARGO_BIN_EXE_virtsh"), "wrongkey");
    let e = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        !wrong.status.success()
            && e.contains("the host key of wrong (")
            && e.contains("does not match"),
        "{e}"
    );
    assert!(!on("virsh", "wrongkey").status.success());
    let unknown = on(env!("CARGO_BIN_EXE_virtsh"), "unknownkey");
    let e = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        !unknown.status.success()
            && e.contains("the host key of nosuch (")
            && e.contains("is not known"),
        "{e}"
    );
    let _ = Command::new("kill").arg(agent_pid).status();
}

/// A real Linux guest on libvirtd, reached through an alias of `~/.ssh/config`:
/// `console` over `qemu+ssh://ALIAS/system` gets the guest's shell, runs a command there and
/// leaves with Ctrl+].
#[test]
fn a_linux_guest_console_through_an_ssh_alias() {
    const NAME: &str = "virtsh-ssh-console";
    common::libvirtd::daemon_answers();
    let (kernel, initrd) = common::guests::linux();
    let d = sshd::start();
    let home = d.home.path();
    d.alias("lab1");
    // libvirtd's QEMU runs as another user: the kernel and initramfs must be reachable.
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let (k, i) = (dir.path().join("vmlinuz"), dir.path().join("initrd.img"));
    std::fs::copy(&kernel, &k).unwrap();
    std::fs::copy(&initrd, &i).unwrap();
    let xml = common::guests::write(
        dir.path(),
        "g.xml",
        &format!(
            "<domain type='qemu'><name>{NAME}</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>\
             <os><type arch='x86_64'>hvm</type><kernel>{}</kernel><initrd>{}</initrd>\
             <cmdline>console=ttyS0 quiet panic=-1</cmdline></os>\
             <devices><serial type='pty'/><console type='pty'/></devices></domain>",
            k.display(),
            i.display()
        ),
    );
    let system = |script: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_virtsh"))
            .args(["-c", "qemu:///system", script])
            .output()
            .unwrap()
    };
    let _ = system(&format!("destroy {NAME}"));
    let _ = system(&format!("undefine {NAME}"));
    let defined = system(&format!("define {}; start {NAME} --paused", xml.display()));
    common::libvirtd::start_domain(NAME, || defined);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_virtsh"));
    cmd.args(["-c", "qemu+ssh://lab1/system", "console", NAME]);
    sshd::environment(&mut cmd, home);
    let mut console = expectrl::Session::spawn(cmd).unwrap();
    console.set_expect_timeout(Some(std::time::Duration::from_secs(120)));
    use expectrl::Expect;
    console.expect("Escape character is ^] (Ctrl + ])").unwrap();
    assert!(system(&format!("resume {NAME}")).status.success());
    console.expect("virtsh-guest: ready").unwrap();
    // The shell answers what is typed on the console.
    console.send("\recho sum=$((6*7))\r").unwrap();
    console.expect("sum=42").unwrap();
    console.send("\x1d").unwrap();
    console.expect(expectrl::Eof).unwrap();
    assert!(system(&format!("destroy {NAME}; undefine {NAME}"))
        .status
        .success());
}

/// A host key that a `@revoked` line of known_hosts marks is refused in ssh's words, whether
/// another line trusts it or the policy would add it as unknown (it is not added), as ssh
/// refuses it.
#[test]
fn a_revoked_host_key_is_refused() {
    let d = sshd::start();
    let home = d.home.path();
    let known = home.join(".ssh/known_hosts");
    let host_key = pubkey(&home.join("host_key"));
    let mut trusted = std::fs::read_to_string(&known).unwrap();
    trusted.push_str(&format!("@revoked * {host_key}\n"));
    std::fs::write(&known, &trusted).unwrap();
    let words = format!(
        "The ED25519 host key for [127.0.0.1]:{} is marked as revoked.",
        d.port
    );
    let base = format!("test+ssh://root@127.0.0.1:{}/default?warm=0", d.port);
    let on =
        |program: &str, uri: &str| run(program, home, &["-c".into(), uri.into(), "uri".into()]);
    let ours = on(env!("CARGO_BIN_EXE_virtsh"), &base);
    let e = String::from_utf8_lossy(&ours.stderr);
    assert!(!ours.status.success() && e.contains(&words), "{e}");
    let theirs = on("virsh", &base);
    let e = String::from_utf8_lossy(&theirs.stderr);
    assert!(
        !theirs.status.success() && e.contains("is marked as revoked"),
        "{e}"
    );
    // Revoked and otherwise unknown, where an unknown key would be added: refused, the file
    // as it was.
    let only = home.join("revoked_only");
    let revoked = format!("@revoked * {host_key}\n");
    std::fs::write(&only, &revoked).unwrap();
    let auto = format!(
        "{base}&known_hosts={}&known_hosts_verify=auto",
        only.display()
    );
    let ours = on(env!("CARGO_BIN_EXE_virtsh"), &auto);
    let e = String::from_utf8_lossy(&ours.stderr);
    assert!(!ours.status.success() && e.contains(&words), "{e}");
    assert_eq!(std::fs::read_to_string(&only).unwrap(), revoked);
}

/// A ProxyCommand started by virtsh in the foreground of its terminal can ask there, as one
/// ssh starts can (in a process group of its own it would be stopped for reading the
/// terminal, and the connection would time out).
#[test]
fn a_proxy_command_can_ask_on_the_terminal() {
    use expectrl::Expect;
    let d = sshd::start();
    let home = d.home.path();
    std::fs::write(
        home.join(".ssh/config"),
        format!(
            "Host asks\n  HostName 127.0.0.1\n  Port {}\n  User root\n  \
             ProxyCommand sh -c 'printf \"word? \" >/dev/tty; read w </dev/tty; test \"$w\" = yes && exec nc %h %p'\n",
            d.port
        ),
    )
    .unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_virtsh"));
    cmd.args(["-c", "test+ssh://asks/default?warm=0", "uri"]);
    sshd::environment(&mut cmd, home);
    let mut session = expectrl::Session::spawn(cmd).unwrap();
    session.set_expect_timeout(Some(std::time::Duration::from_secs(60)));
    session.expect("word? ").unwrap();
    session.send("yes\r").unwrap();
    session.expect("test+ssh://asks/default?warm=0").unwrap();
    session.expect(expectrl::Eof).unwrap();
}
