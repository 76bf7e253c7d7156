//! Paths as libvirt's public API hands them to a driver. The save, restore, save image and
//! core dump calls are carried out by another process (a daemon, QEMU), so libvirt makes a
//! relative path absolute against the caller's working directory first
//! (`g_canonicalize_filename`: lexically, without resolving symbolic links). A driver's
//! message therefore shows the absolute path where virsh's own line shows the path as typed.

use crate::types::SaveParams;

/// What the public layer makes absolute before the driver sees it.
pub trait Absolute {
    type Out;
    fn absolute(&self) -> Self::Out;
}

impl Absolute for str {
    type Out = String;
    fn absolute(&self) -> String {
        canonicalize(self, &current_dir())
    }
}

/// The `file` parameter, made absolute; the others as they are.
impl Absolute for SaveParams {
    type Out = SaveParams;
    fn absolute(&self) -> SaveParams {
        SaveParams {
            file: self.file.as_deref().map(str::absolute),
            ..self.clone()
        }
    }
}

/// The working directory as GLib's `g_get_current_dir` gives it: `getcwd`, or `/` when
/// there is none to give.
fn current_dir() -> String {
    std::env::current_dir()
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_else(|_| "/".into())
}

/// `g_canonicalize_filename(path, cwd)`: `path` joined to `cwd` unless it is absolute, then
/// `.` and empty components dropped and each `..` taking the component before it away (never
/// above the root). A leading `//` stays (POSIX leaves its meaning open); three or more
/// slashes are one; a trailing slash goes.
pub fn canonicalize(path: &str, cwd: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{}/{path}", cwd.trim_end_matches('/'))
    };
    let slashes = joined.len() - joined.trim_start_matches('/').len();
    let root = if slashes == 2 { "//" } else { "/" };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("{root}{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::canonicalize;

    #[test]
    fn as_glib_canonicalizes() {
        let cases = [
            ("x.sav", "/tmp/cap", "/tmp/cap/x.sav"),
            ("nodir/x.sav", "/tmp/cap", "/tmp/cap/nodir/x.sav"),
            ("./a/../b", "/w", "/w/b"),
            ("../../../x", "/a", "/x"),
            ("/a//b/./c/", "/", "/a/b/c"),
            ("//net/x", "/", "//net/x"),
            ("///x", "/", "/x"),
            ("/", "/w", "/"),
            ("..", "/", "/"),
            ("a", "/", "/a"),
        ];
        for (path, cwd, want) in cases {
            assert_eq!(canonicalize(path, cwd), want, "{path} in {cwd}");
        }
    }
}
