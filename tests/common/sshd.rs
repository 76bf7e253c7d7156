//! A Debian sshd on a free port of 127.0.0.1, with keys and a known_hosts made for the run,
//! and the environment that points virtsh and virsh's ssh at them (for the ssh tests and the
//! warm-connection bench).

use std::net::TcpListener;
use std::os::unix::fs::DirBuilderExt;
use std::path::Path;
use std::process::{Child, Command};

pub struct Sshd {
    pub child: Child,
    pub port: u16,
    pub home: tempfile::TempDir,
}

impl Drop for Sshd {
    fn drop(&mut self) {
        // The keepers this test's one-shots left behind end with it.
        let mut stop = Command::new(env!("CARGO_BIN_EXE_virtsh"));
        environment(stop.arg("--warm-stop"), self.home.path());
        let _ = stop.output();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn keygen(path: &Path) {
    let st = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(path)
        .status()
        .expect("ssh-keygen (openssh) is installed by scripts/setup-test-env.sh");
    assert!(st.success());
}

pub fn pubkey(path: &Path) -> String {
    let text = std::fs::read_to_string(path.with_extension("pub")).unwrap();
    text.split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

/// sshd on a free port of 127.0.0.1; a HOME whose .ssh holds the client key and a
/// known_hosts with the server's key (so the system ssh of virsh finds them too).
pub fn start() -> Sshd {
    let home = tempfile::tempdir().unwrap();
    let ssh = home.path().join(".ssh");
    std::fs::create_dir(&ssh).unwrap();
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(home.path().join("run"))
        .unwrap();
    let host_key = home.path().join("host_key");
    keygen(&host_key);
    keygen(&ssh.join("id_ed25519"));
    std::fs::copy(
        ssh.join("id_ed25519.pub"),
        home.path().join("authorized_keys"),
    )
    .unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::write(
        ssh.join("known_hosts"),
        format!("[127.0.0.1]:{port} {}\n", pubkey(&host_key)),
    )
    .unwrap();
    let config = home.path().join("sshd_config");
    // No penalties: tests kill clients in the middle of their handshake, for which sshd would
    // otherwise refuse the address for a while (PerSourcePenalties).
    std::fs::write(
        &config,
        format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nAuthorizedKeysFile {}\n\
             PermitRootLogin prohibit-password\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n\
             UsePAM no\nStrictModes no\nMaxStartups 200\nPidFile {}\n\
             PerSourcePenalties no\n",
            host_key.display(),
            home.path().join("authorized_keys").display(),
            home.path().join("sshd.pid").display()
        ),
    )
    .unwrap();
    std::fs::create_dir_all("/run/sshd").unwrap();
    let child = Command::new("/usr/sbin/sshd")
        .arg("-D")
        .arg("-e")
        .arg("-f")
        .arg(&config)
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("sshd (openssh-server) is installed by scripts/setup-test-env.sh");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // The system ssh that virsh runs reads ~/.ssh from the passwd entry, not $HOME: a
    // wrapper earlier on PATH points it at this HOME's key and known_hosts.
    let bin = home.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let client_config = home.path().join("ssh_config");
    std::fs::write(
        &client_config,
        format!(
            "UserKnownHostsFile {}\nIdentityFile {}\n",
            ssh.join("known_hosts").display(),
            ssh.join("id_ed25519").display()
        ),
    )
    .unwrap();
    let wrapper = bin.join("ssh");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nexec /usr/bin/ssh -F {} \"$@\"\n",
            client_config.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        &wrapper,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    Sshd { child, port, home }
}

impl Sshd {
    /// `~/.ssh/config` of the fixture's home: `alias` for this sshd, as root.
    pub fn alias(&self, alias: &str) {
        std::fs::write(
            self.home.path().join(".ssh/config"),
            format!(
                "Host {alias}\n  HostName 127.0.0.1\n  Port {}\n  User root\n",
                self.port
            ),
        )
        .unwrap();
    }
}

/// Runs `c` as a user whose home is the fixture's: its `.ssh`, the `ssh` wrapper virsh
/// finds on PATH, and a private runtime directory (for warm connections).
pub fn environment(c: &mut Command, home: &Path) {
    c.envs(variables(home));
}

/// The variables [`environment`] sets.
pub fn variables(home: &Path) -> Vec<(String, String)> {
    let home = home.display();
    vec![
        ("PATH".into(), format!("{home}/bin:/usr/bin:/bin")),
        ("HOME".into(), home.to_string()),
        ("XDG_RUNTIME_DIR".into(), format!("{home}/run")),
    ]
}

/// The keepers `virtsh --warm` lists for the user whose home is `home`: (pid, uri, served).
pub fn keepers(home: &Path) -> Vec<(u32, String, u64)> {
    let mut c = Command::new(env!("CARGO_BIN_EXE_virtsh"));
    environment(c.arg("--warm"), home);
    let o = c.output().unwrap();
    assert!(o.status.success());
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .skip(2)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            Some((
                f.first()?.parse().ok()?,
                f.get(1)?.to_string(),
                f.get(3)?.parse().ok()?,
            ))
        })
        .collect()
}

/// The keeper processes of the user whose home is `home`, found by their environment (without
/// asking them, so a stopped one is found too).
pub fn keeper_pids(home: &Path) -> Vec<u32> {
    let mine = format!("HOME={}", home.display());
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    procs
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let Ok(env) = std::fs::read(format!("/proc/{pid}/environ")) else {
                return false;
            };
            let vars: Vec<&[u8]> = env.split(|b| *b == 0).collect();
            vars.iter().any(|v| v.starts_with(b"VIRTSH_WARM_KEEPER="))
                && vars.contains(&mine.as_bytes())
        })
        .collect()
}
