//! The binary as users and scripts meet it, beyond what the golden suite compares with virsh:
//! `--json`, the line-at-a-time shell, `-v`/`-h`, URI precedence and `test:///PATH` fixtures.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn virtsh(args: &[&str]) -> Output {
    run(args, &[], None)
}

fn run(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_virtsh"));
    cmd.args(args)
        .env_clear()
        .env("LANG", "C")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("virtsh runs");
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .collect()
}

#[test]
fn json_output_has_stable_fields() {
    let o = virtsh(&[
        "-c",
        "test:///default",
        "--json",
        "list --all; dominfo test; domstate test; pool-list --all --details; nodeinfo; domuuid test; suspend test",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json_lines(&o);
    assert_eq!(v.len(), 7, "{}", stdout(&o));
    assert_eq!(v[0][0]["name"], "test");
    assert_eq!(v[0][0]["id"], 1);
    assert_eq!(v[0][0]["state"], "running");
    assert_eq!(v[1]["uuid"], "6695eb01-f6a4-8304-79aa-97f2502e193f");
    assert_eq!(v[1]["max_memory_kib"], 8388608);
    assert_eq!(v[1]["persistent"], true);
    assert_eq!(v[2]["state"], "running");
    assert_eq!(v[2]["reason"], "unknown");
    assert_eq!(v[3][0]["name"], "default-pool");
    assert_eq!(v[3][0]["capacity"], 107374182400u64);
    assert_eq!(v[3][0]["state"], "running");
    assert_eq!(v[4]["cpus"], 16);
    assert_eq!(v[5]["value"], "6695eb01-f6a4-8304-79aa-97f2502e193f");
    assert_eq!(v[6]["message"], "Domain 'test' suspended");
}

#[test]
fn json_errors_go_to_stderr_with_a_code() {
    let o = virtsh(&[
        "-c",
        "test:///default",
        "--json",
        "start test; dominfo nosuch",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let errors: Vec<serde_json::Value> = stderr(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(errors.len(), 2, "{}", stderr(&o));
    assert_eq!(errors[0]["error"]["code"], "virsh");
    assert_eq!(errors[0]["error"]["message"], "Domain is already active");
    assert_eq!(
        errors[1]["error"]["message"],
        "failed to get domain 'nosuch'"
    );
    let o = virtsh(&[
        "-c",
        "test:///default",
        "--json",
        "destroy test; destroy test",
    ]);
    let last: serde_json::Value = serde_json::from_str(stderr(&o).lines().last().unwrap()).unwrap();
    assert_eq!(last["error"]["code"], "operation_invalid");
    assert_eq!(
        last["error"]["message"],
        "Failed to destroy domain 'test': Requested operation is not valid: domain is not running"
    );
}

#[test]
fn line_shell_runs_each_line_and_leaves_on_quit() {
    let o = run(
        &["-c", "test:///default"],
        &[],
        Some("echo hi; domstate test\nsuspend test\nquit\necho never\n"),
    );
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.starts_with("Welcome to virtsh, the virtualization interactive terminal.\n"));
    // Without a terminal each line is echoed after the prompt, as virsh's readline does.
    assert!(
        out.contains("virtsh # echo hi; domstate test\nhi\nrunning\n\n"),
        "{out}"
    );
    assert!(out.contains("Domain 'test' suspended"), "{out}");
    assert!(!out.contains("never"));
    let o = run(&["-q", "-r", "-c", "test:///default"], &[], Some("uri\n"));
    assert_eq!(stdout(&o), "virtsh > uri\ntest:///default\nvirtsh > \n");
}

#[test]
fn version_and_usage() {
    assert_eq!(stdout(&virtsh(&["-v"])), "11.3.0\n");
    // The embedded driver builds networks: virsh's words for that.
    assert!(stdout(&virtsh(&["-V"])).contains("\n Networking: Remote Network Bridging\n"));
    let usage = stdout(&virtsh(&["-h"]));
    assert!(usage.contains("    -c | --connect=URI      hypervisor connection URI\n"));
    assert!(usage.contains("    dominfo                        domain information\n"));
}

#[test]
fn uri_precedence() {
    let env = [
        ("LIBVIRT_DEFAULT_URI", "test:///default?libvirt"),
        ("VIRSH_DEFAULT_CONNECT_URI", "test:///default?virsh"),
        ("VIRTSH_DEFAULT_CONNECT_URI", "test:///default?virtsh"),
    ];
    let uri = |env: &[(&str, &str)], args: &[&str]| stdout(&run(args, env, None));
    assert_eq!(uri(&env, &["uri"]), "test:///default?virtsh\n\n");
    assert_eq!(uri(&env[..2], &["uri"]), "test:///default?virsh\n\n");
    assert_eq!(uri(&env[..1], &["uri"]), "test:///default?libvirt\n\n");
    assert_eq!(
        uri(&env, &["-c", "test:///default?flag", "uri"]),
        "test:///default?flag\n\n"
    );
}

/// `PROGRAM ARGS...` as the unprivileged user `nobody`, with only `env` (and `LANG=C`).
fn as_nobody(program: &str, args: &[&str], env: &[(&str, String)]) -> Output {
    let mut cmd = Command::new("setpriv");
    cmd.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"])
        .arg(program)
        .args(args)
        .env_clear()
        .env("LANG", "C")
        .env("PATH", "/usr/bin:/bin")
        .envs(env.iter().map(|(k, v)| (k, v)));
    cmd.output().expect("setpriv runs")
}

/// With no URI named, virtsh connects where virsh does: root with a libvirt daemon answering
/// gets `qemu:///system`; another user gets `qemu:///session` when a daemon answers on its
/// runtime directory's socket, else virtsh's embedded root; `LIBVIRT_DEFAULT_URI` and
/// `uri_default` of libvirt's client configuration come first, and `uri_aliases` name URIs.
#[test]
fn no_uri_means_what_virsh_would_connect_to() {
    assert!(
        nix_is_root(),
        "run as root (the README's test command does)"
    );
    // As root, libvirtd answers (the test environment starts it).
    assert_eq!(stdout(&run(&["uri"], &[], None)), "qemu:///system\n\n");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for sub in ["data", "config/libvirt", "run/libvirt"] {
        std::fs::create_dir_all(d.join(sub)).unwrap();
    }
    let status = Command::new("chown")
        .args(["-R", "nobody:nogroup"])
        .arg(d)
        .status()
        .unwrap();
    assert!(status.success());
    let path = |p: &str| d.join(p).display().to_string();
    let env = vec![
        ("XDG_DATA_HOME", path("data")),
        ("XDG_CONFIG_HOME", path("config")),
        ("XDG_RUNTIME_DIR", path("run")),
    ];
    let virtsh = env!("CARGO_BIN_EXE_virtsh");
    let said = |args: &[&str], env: &[(&str, String)]| {
        let o = as_nobody(virtsh, args, env);
        format!("{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr))
    };
    // No daemon: the embedded root.
    assert_eq!(
        said(&["uri"], &env),
        format!("qemu:///embed?root={}/virtsh\n\n", path("data"))
    );
    // A daemon answering on the user's socket (libvirtd's, relayed): the session URI. (virsh
    // leaves the choice to the daemon there, and libvirtd behind the relay takes the
    // relay's credentials, so it is not compared.)
    let listener =
        std::os::unix::net::UnixListener::bind(d.join("run/libvirt/libvirt-sock")).unwrap();
    Command::new("chown")
        .args(["nobody:nogroup"])
        .arg(d.join("run/libvirt/libvirt-sock"))
        .status()
        .unwrap();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(daemon) = std::os::unix::net::UnixStream::connect("/run/libvirt/libvirt-sock")
            else {
                continue;
            };
            let (mut c2, mut d2) = (client.try_clone().unwrap(), daemon.try_clone().unwrap());
            let (mut c1, mut d1) = (client, daemon);
            std::thread::spawn(move || std::io::copy(&mut c1, &mut d1));
            std::thread::spawn(move || std::io::copy(&mut d2, &mut c2));
        }
    });
    assert_eq!(said(&["uri"], &env), "qemu:///session\n\n");
    // libvirt's client configuration: uri_default, then aliases (for -c and for defaults).
    std::fs::write(
        d.join("config/libvirt/libvirt.conf"),
        "uri_default = \"test:///default?conf\"\nuri_aliases = [\n  \"lab=test:///default?lab\",\n]\n",
    )
    .unwrap();
    assert_eq!(said(&["uri"], &env), "test:///default?conf\n\n");
    assert_eq!(said(&["-c", "lab", "uri"], &env), "test:///default?lab\n\n");
    let mut with_env = env.clone();
    with_env.push(("LIBVIRT_DEFAULT_URI", "lab".into()));
    assert_eq!(said(&["uri"], &with_env), "test:///default?lab\n\n");
    // And what virsh says of a broken file.
    std::fs::write(
        d.join("config/libvirt/libvirt.conf"),
        "uri_aliases = [ \"bad name=test:///default\" ]\n",
    )
    .unwrap();
    let ours = said(&["-c", "lab", "uri"], &env);
    let theirs = {
        let o = as_nobody("virsh", &["-c", "lab", "uri"], &env);
        format!("{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr))
    };
    assert_eq!(ours, theirs);
}

fn nix_is_root() -> bool {
    let out = Command::new("id").arg("-u").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

#[test]
fn node_fixture_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("dom.xml"),
        "<domain type='test'><name>fromfile</name><uuid>aaaaaaaa-0000-0000-0000-000000000001</uuid>\
         <memory>1024</memory><os><type>hvm</type></os></domain>",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("node.xml"),
        "<node>\n  <domain file='dom.xml'/>\n  <pool type='dir'><name>p</name><target><path>/p</path></target>\n\
         <volume><name>v</name><capacity>4096</capacity></volume></pool>\n\
         <cpu><mhz>2000</mhz><model>m</model><active>4</active></cpu>\n  <memory>4096</memory>\n</node>\n",
    )
    .unwrap();
    let uri = format!("test://{}/node.xml", dir.path().display());
    let o = virtsh(&["-c", &uri, "-q", "list --all --name; vol-list p; nodeinfo"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("fromfile\n"), "{out}");
    assert!(out.contains(" v   /p/v\n"), "{out}");
    assert!(out.contains("CPU frequency:       2000 MHz\n"), "{out}");
}
