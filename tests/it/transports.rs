//! The TCP and TLS transports against libvirtd, which scripts/setup-test-env.sh starts
//! listening on 16509 (TCP, no authentication) and 16514 (TLS, with a test PKI where libvirt
//! looks for one): virtsh prints what virsh prints on the same URIs, failures included, with
//! the system PKI, `pkipath=` (a good copy, one without a client certificate, one with another
//! CA), `no_verify=1`, and a user's `~/.pki/libvirt`.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use crate::common::golden::command;
use crate::common::libvirtd::daemon_answers;

/// What virsh and virtsh print, without libvirt's own log lines (a timestamped warning of a
/// failed certificate check) that virtsh does not imitate.
fn printed(o: &Output) -> (Option<i32>, String, String) {
    let err = String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter(|l| {
            !(l.starts_with("20") && (l.contains(": warning : ") || l.contains(": info : ")))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        err,
    )
}

fn both(uri: &str, prepare: impl Fn(&mut Command)) -> [(Option<i32>, String, String); 2] {
    ["virsh", env!("CARGO_BIN_EXE_virtsh")].map(|program| {
        let mut c = command(
            program,
            &["-c".into(), uri.into(), "list --all; uri".into()],
        );
        prepare(&mut c);
        printed(&c.output().unwrap())
    })
}

fn openssl(args: &[&str]) {
    let o = Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl is installed by scripts/setup-test-env.sh");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn pki(dir: &Path, files: &[(&str, &str)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (from, to) in files {
        std::fs::copy(from, dir.join(to)).unwrap_or_else(|e| {
            panic!("{from}: {e} (scripts/setup-test-env.sh makes the test PKI)")
        });
    }
}

const CA: &str = "/etc/pki/CA/cacert.pem";
const CERT: &str = "/etc/pki/libvirt/clientcert.pem";
const KEY: &str = "/etc/pki/libvirt/private/clientkey.pem";

#[test]
fn tcp_and_tls_transports_print_as_virsh() {
    daemon_answers();
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("good");
    pki(
        &good,
        &[
            (CA, "cacert.pem"),
            (CERT, "clientcert.pem"),
            (KEY, "clientkey.pem"),
        ],
    );
    let anonymous = tmp.path().join("anonymous");
    pki(&anonymous, &[(CA, "cacert.pem")]);
    // Our certificate, and a CA that did not sign it.
    let foreign = tmp.path().join("foreign");
    pki(
        &foreign,
        &[(CERT, "clientcert.pem"), (KEY, "clientkey.pem")],
    );
    let other_key = tmp.path().join("other_key.pem");
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=other CA",
        "-keyout",
        other_key.to_str().unwrap(),
        "-out",
        foreign.join("cacert.pem").to_str().unwrap(),
    ]);
    let cases = [
        "qemu+tcp://localhost/system".to_string(),
        "qemu+tls://localhost/system".into(),
        // The server's certificate names localhost only.
        "qemu+tls://127.0.0.1/system".into(),
        "qemu+tls://127.0.0.1/system?no_verify=1".into(),
        format!("qemu+tls://localhost/system?pkipath={}", good.display()),
        format!(
            "qemu+tls://localhost/system?pkipath={}",
            anonymous.display()
        ),
        format!("qemu+tls://localhost/system?pkipath={}", foreign.display()),
        format!(
            "qemu+tls://localhost/system?pkipath={}",
            tmp.path().join("none").display()
        ),
        // TLS spoken to the plain port; nothing listening.
        "qemu+tls://localhost:16509/system".into(),
        "qemu+tcp://localhost:1/system".into(),
        // Plain TCP spoken to the TLS port.
        "qemu+tcp://localhost:16514/system".into(),
    ];
    for uri in &cases {
        let [theirs, ours] = both(uri, |_| {});
        assert_eq!(ours, theirs, "over {uri}");
    }
    // A user's own PKI, as a user (root reads the system's).
    let home = tmp.path().join("home");
    pki(
        &home.join(".pki/libvirt"),
        &[
            (CA, "cacert.pem"),
            (CERT, "clientcert.pem"),
            (KEY, "clientkey.pem"),
        ],
    );
    for dir in [
        tmp.path(),
        &home,
        &home.join(".pki"),
        &home.join(".pki/libvirt"),
    ] {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    for f in ["cacert.pem", "clientcert.pem", "clientkey.pem"] {
        let p = home.join(".pki/libvirt").join(f);
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let [theirs, ours] = both("qemu+tls://localhost/system", |c| {
        c.env("HOME", &home);
        // setpriv runs the program as nobody.
        let program = c.get_program().to_owned();
        let args: Vec<_> = c.get_args().map(|a| a.to_owned()).collect();
        *c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(program)
            .args(args)
            .env_clear()
            .env("LANG", "C")
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", &home)
            .current_dir(&home);
    });
    assert_eq!(theirs.0, Some(0), "virsh as a user: {}", theirs.2);
    assert_eq!(ours, theirs, "as a user with ~/.pki/libvirt");
}

/// A server that takes the TCP connection and never answers the TLS handshake: virtsh gives
/// up after `connect_timeout` seconds (virsh waits for ever).
#[test]
fn a_silent_tls_server_does_not_hang_the_handshake() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Connections are taken and held, never answered.
    std::thread::spawn(move || {
        let held: Vec<_> = listener.incoming().take(1).collect();
        std::thread::sleep(std::time::Duration::from_secs(60));
        drop(held);
    });
    let dir = tempfile::tempdir().unwrap();
    pki(
        dir.path(),
        &[
            (CA, "cacert.pem"),
            (CERT, "clientcert.pem"),
            (KEY, "clientkey.pem"),
        ],
    );
    let uri = format!(
        "qemu+tls://localhost:{port}/system?connect_timeout=2&pkipath={}",
        dir.path().display()
    );
    let started = std::time::Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_virtsh"))
        .args(["-c", &uri, "uri"])
        .output()
        .unwrap();
    let took = started.elapsed();
    assert!(took < std::time::Duration::from_secs(5), "{took:?}");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: failed to connect to the hypervisor\nerror: Timed out during operation: no TLS handshake with the server within 2 seconds (connect_timeout)\n"
    );
}

/// A PKI file that never ends (a CA linked to `/dev/zero`) or is too long is read no further
/// than libvirt reads a certificate (64 KiB), and fails with virsh's words. virsh reads a key
/// without end (GnuTLS's file reader, until memory runs out): virtsh holds the key to the
/// same cap, in the same words.
#[test]
fn pki_files_are_read_with_libvirts_cap() {
    daemon_answers();
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.pem");
    std::fs::write(&big, vec![b'A'; 200 << 10]).unwrap();
    for name in ["cacert.pem", "clientcert.pem", "clientkey.pem"] {
        for endless in [Path::new("/dev/zero"), big.as_path()] {
            let pkipath = dir
                .path()
                .join(format!("{name}-{}", endless.display()).replace('/', "_"));
            pki(
                &pkipath,
                &[
                    (CA, "cacert.pem"),
                    (CERT, "clientcert.pem"),
                    (KEY, "clientkey.pem"),
                ],
            );
            std::fs::remove_file(pkipath.join(name)).unwrap();
            std::os::unix::fs::symlink(endless, pkipath.join(name)).unwrap();
            let uri = format!("qemu+tls://localhost/system?pkipath={}", pkipath.display());
            if name == "clientkey.pem" {
                let mut c = command(
                    env!("CARGO_BIN_EXE_virtsh"),
                    &["-c".into(), uri.clone(), "uri".into()],
                );
                let key = pkipath.join(name);
                let want = format!(
                    "error: failed to connect to the hypervisor\nerror: Failed to read file '{}': Value too large for defined data type\n",
                    key.display()
                );
                assert_eq!(
                    printed(&c.output().unwrap()),
                    (Some(1), String::new(), want)
                );
                continue;
            }
            let [theirs, ours] = both(&uri, |_| {});
            assert_eq!(ours.0, Some(1), "{name} -> {}: {ours:?}", endless.display());
            assert_eq!(ours, theirs, "{name} -> {}", endless.display());
        }
    }
}
