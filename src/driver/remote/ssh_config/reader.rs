//! Reading the files as readconf.c reads them: the user's, then the system's; each line
//! split, checked and applied; `Host` blocks; `Include`d files (each owned by root or the
//! user and writable by no one else, 16 deep at most); a file with refused lines ends the run
//! ("terminating") once read to its end.

use std::ffi::{CStr, CString, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::criteria::{self, cut};
use super::keywords::{self, Word};
use super::line::{self, Parsed};
use super::options::{Args, At, Bad, Options};
use super::{expand, vis, Fatal, Log, Sources};

/// OpenSSH's `READCONF_MAX_DEPTH`.
const MAX_DEPTH: u32 = 16;
/// More than any configuration: a file this large is refused rather than read on and on.
const FILE_CAP: usize = 4 << 20;

/// How a file is read (readconf.c's `SSHCONF_` flags).
#[derive(Clone, Copy)]
struct Flags {
    /// A user's configuration: relative includes are in `~/.ssh`, `~` is allowed.
    user: bool,
    /// Must be owned by root or the user and writable by no one else.
    check: bool,
    /// Included from where nothing applies: parsed and checked only.
    never_match: bool,
}

pub(super) struct Reader<'a> {
    /// What `Host` patterns are matched against: the host as typed (the final pass: the host
    /// connected to).
    pub host: &'a [u8],
    /// The host as typed.
    pub original: &'a [u8],
    pub final_pass: bool,
    pub sources: &'a Sources,
    pub options: &'a mut Options,
    pub log: &'a mut Log,
    /// A `Match final` asked for a second pass.
    pub want_final: bool,
}

/// Reads the user's file then the system's into `options`; whether a final pass is wanted.
pub(super) fn read_all(
    host: &[u8],
    original: &[u8],
    final_pass: bool,
    sources: &Sources,
    options: &mut Options,
    log: &mut Log,
) -> Result<bool, Fatal> {
    let mut reader = Reader {
        host,
        original,
        final_pass,
        sources,
        options,
        log,
        want_final: false,
    };
    let user = Flags {
        user: true,
        check: sources.check_user_file,
        never_match: false,
    };
    // A file that cannot be opened is passed over, as ssh passes it over.
    let _ = reader.file(&sources.user_file, user, &mut true, 0)?;
    if let Some(system) = &sources.system_file {
        let flags = Flags {
            user: false,
            check: false,
            never_match: false,
        };
        let _ = reader.file(system, flags, &mut true, 0)?;
    }
    Ok(reader.want_final)
}

impl Reader<'_> {
    /// One file; `Err` inside when it could not be opened.
    fn file(
        &mut self,
        path: &Path,
        flags: Flags,
        active: &mut bool,
        depth: u32,
    ) -> Result<std::io::Result<()>, Fatal> {
        if depth > MAX_DEPTH {
            return Err(self
                .log
                .fatal("Too many recursive configuration includes".into()));
        }
        let shown = vis(path.as_os_str().as_bytes());
        // Opened once: what is checked is what is read, whatever replaces the path meanwhile.
        let opened = crate::sys::open_for_reading(path).and_then(|f| Ok((f.metadata()?, f)));
        let (meta, file) = match opened {
            Ok(opened) => opened,
            Err(e) => return Ok(Err(e)),
        };
        let uid = nix::unistd::getuid().as_raw();
        if flags.check && ((meta.uid() != 0 && meta.uid() != uid) || meta.mode() & 0o022 != 0) {
            return Err(self
                .log
                .fatal(format!("Bad owner or permissions on {shown}")));
        }
        let content = match crate::sys::read_all_capped(file, FILE_CAP) {
            Ok(c) => c,
            // A directory opens and reads as nothing.
            Err(e) if e.raw_os_error() == Some(libc::EISDIR) => Vec::new(),
            Err(e) if e.raw_os_error() == Some(libc::EOVERFLOW) => {
                return Err(self
                    .log
                    .fatal(format!("{shown}: {}", crate::sys::strerror(&e))));
            }
            Err(e) => return Ok(Err(e)),
        };
        let mut bad = 0;
        for (n, raw) in content.split_inclusive(|b| *b == b'\n').enumerate() {
            let at = At {
                file: &shown,
                line: n + 1,
                user_file: flags.user,
            };
            if self.line(raw, &at, flags, active, depth)?.is_err() {
                bad += 1;
            }
        }
        if bad > 0 {
            return Err(self.log.fatal(format!(
                "{shown}: terminating, {bad} bad configuration options"
            )));
        }
        Ok(Ok(()))
    }

    /// One line: `Err(Bad)` inside when OpenSSH refuses it.
    fn line(
        &mut self,
        raw: &[u8],
        at: &At<'_>,
        flags: Flags,
        active: &mut bool,
        depth: u32,
    ) -> Result<Result<(), Bad>, Fatal> {
        let line = match line::split(raw) {
            Parsed::Nothing => return Ok(Ok(())),
            Parsed::NoArgument(keyword) => {
                self.log.error(format!(
                    "{}: no argument after keyword \"{}\"",
                    at.long(),
                    vis(&keyword)
                ));
                return Ok(Err(Bad));
            }
            Parsed::Line(line) => line,
        };
        let keyword = keywords::lookup(&line.keyword);
        let ignored = keyword.is_none()
            && self
                .options
                .ignored_unknown
                .as_ref()
                .is_some_and(|list| criteria::pattern_list(&line.keyword, list, true) == 1);
        if keyword.is_none() && !ignored {
            self.log.error(format!(
                "{}: line {}: Bad configuration option: {}",
                at.file,
                at.line,
                vis(&line.keyword)
            ));
        }
        let Ok(words) = line::arguments(&line.rest) else {
            self.log.error(format!("{}: invalid quotes", at.long()));
            return Ok(Err(Bad));
        };
        let Some(keyword) = keyword else {
            return Ok(if ignored { Ok(()) } else { Err(Bad) });
        };
        let mut args = Args::new(&words);
        let done = match keyword {
            Word::Host => self.host_line(&mut args, &line.keyword, flags, active, at),
            Word::Match => match self.match_line(&mut args, at)? {
                Ok(applies) => {
                    *active = applies && !flags.never_match;
                    Ok(())
                }
                Err(Bad) => {
                    self.log
                        .error(format!("{}: Bad Match condition", at.short()));
                    Err(Bad)
                }
            },
            Word::Include => self.include(&mut args, &line.keyword, flags, active, depth, at)?,
            Word::Setting(setting) => self
                .options
                .apply(setting, &line, &mut args, *active, at, self.log),
        };
        if done.is_ok() && args.left() > 0 {
            self.log.error(format!(
                "{}: keyword {} extra arguments at end of line",
                at.short(),
                vis(&line.keyword)
            ));
            return Ok(Err(Bad));
        }
        Ok(done)
    }

    /// `Host`: patterns against the host as typed, byte for byte; a negated match ends it.
    fn host_line(
        &mut self,
        args: &mut Args<'_>,
        keyword: &[u8],
        flags: Flags,
        active: &mut bool,
        at: &At<'_>,
    ) -> Result<(), Bad> {
        *active = false;
        while let Some(arg) = args.next() {
            if arg.is_empty() {
                self.log.error(format!(
                    "{}: keyword {} empty argument",
                    at.long(),
                    vis(keyword)
                ));
                return Err(Bad);
            }
            if flags.never_match {
                args.consume();
                break;
            }
            let (negated, pattern) = match arg.strip_prefix(b"!") {
                Some(p) => (true, p),
                None => (false, arg),
            };
            if criteria::pattern(self.host, pattern) {
                if negated {
                    *active = false;
                    args.consume();
                    break;
                }
                *active = true;
            }
        }
        Ok(())
    }

    /// `Include`: each argument's tokens and variables expanded, relative to `~/.ssh` (the
    /// system file's: `/etc/ssh`), globbed; each file read as part of this one.
    fn include(
        &mut self,
        args: &mut Args<'_>,
        keyword: &[u8],
        flags: Flags,
        active: &mut bool,
        depth: u32,
        at: &At<'_>,
    ) -> Result<Result<(), Bad>, Fatal> {
        let mut all_read = true;
        while let Some(arg) = args.next() {
            if arg.is_empty() {
                self.log.error(format!(
                    "{}: keyword {} empty argument",
                    at.long(),
                    vis(keyword)
                ));
                return Ok(Err(Bad));
            }
            let tokens = self.conn_info()?.tokens();
            let Some(path) = expand::percent_dollar(arg, &tokens, self.log)? else {
                self.log.error(format!(
                    "{}: Unable to expand user config file '{}'",
                    at.short(),
                    cut(&vis(arg), 100)
                ));
                continue;
            };
            if path.first() == Some(&b'~') && !flags.user {
                self.log
                    .error(format!("{}: bad include path {}.", at.short(), vis(&path)));
                return Ok(Err(Bad));
            }
            let anchored = match path.first() {
                Some(b'/' | b'~') => path,
                _ if flags.user => [b"~/.ssh/".as_slice(), &path].concat(),
                _ => [b"/etc/ssh/".as_slice(), &path].concat(),
            };
            let files = match self.glob(&anchored) {
                Ok(files) => files,
                Err(()) => {
                    self.log.error(format!(
                        "{}: glob failed for {}.",
                        at.short(),
                        vis(&anchored)
                    ));
                    return Ok(Err(Bad));
                }
            };
            let outer = *active;
            for file in files {
                let inner = Flags {
                    check: true,
                    never_match: flags.never_match || !outer,
                    ..flags
                };
                if let Err(e) = self.file(&file, inner, active, depth + 1)? {
                    if e.kind() != std::io::ErrorKind::NotFound {
                        self.log.error(format!(
                            "{}: Can't open user config file {}: {}",
                            at.short(),
                            cut(&vis(file.as_os_str().as_bytes()), 100),
                            cut(&crate::sys::strerror(&e), 100)
                        ));
                        return Ok(Err(Bad));
                    }
                    all_read = false;
                }
                // A Match in an included file does not change the including file's state.
                *active = outer;
            }
        }
        Ok(if all_read { Ok(()) } else { Err(Bad) })
    }

    /// The C library's glob, as ssh calls it (sorted; `~user` expanded); `~` alone and `~/`
    /// are this configuration's home. No match: nothing.
    fn glob(&self, pattern: &[u8]) -> Result<Vec<PathBuf>, ()> {
        let home = self.sources.home.as_os_str().as_bytes();
        let pattern = match pattern {
            [b'~'] => home.to_vec(),
            [b'~', b'/', rest @ ..] => [home, b"/", rest].concat(),
            other => other.to_vec(),
        };
        let pattern = CString::new(pattern).map_err(drop)?;
        // SAFETY: glob_t is plain data that glob fills and globfree releases.
        let mut found: libc::glob_t = unsafe { std::mem::zeroed() };
        // SAFETY: a NUL-terminated pattern and a zeroed glob_t, as glob(3) takes them.
        let r = unsafe { libc::glob(pattern.as_ptr(), libc::GLOB_TILDE, None, &mut found) };
        let paths = match r {
            0 => (0..found.gl_pathc)
                .map(|i| {
                    // SAFETY: glob filled gl_pathc NUL-terminated paths.
                    let p = unsafe { CStr::from_ptr(*found.gl_pathv.add(i)) };
                    PathBuf::from(OsStr::from_bytes(p.to_bytes()))
                })
                .collect(),
            libc::GLOB_NOMATCH => Vec::new(),
            _ => {
                // SAFETY: releases what glob allocated, once.
                unsafe { libc::globfree(&mut found) };
                return Err(());
            }
        };
        // SAFETY: as above.
        unsafe { libc::globfree(&mut found) };
        Ok(paths)
    }
}
