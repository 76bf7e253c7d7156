//! Storage volume commands.

use virtsh_commands::volume as req;
use virtsh_commands::Request;

use super::domain::read_file;
use super::lookup;
use super::CmdError;
use crate::driver::{Error, Hypervisor, ResizeFlags, VolCreateFlags, VolRef};
use crate::model::units::{parse_scaled, ScaleError};
use crate::model::{Name, VolumeDef};
use crate::render::progress::Progress;
use crate::render::{Outcome, VolInfoView, VolList, VolRow, VolTypeName};

pub fn run(conn: &dyn Hypervisor, request: &Request) -> Result<Outcome, CmdError> {
    let cmd = request.name();
    match request {
        Request::VolList(l) => list(conn, l),
        Request::VolCreate(c) => {
            let pool = lookup::pool(conn, cmd, &c.pool)?;
            let xml = read_file(&c.file)?;
            let vol = conn
                .create_volume(&pool, &xml, prealloc(c.prealloc_metadata))
                .map_err(|e| {
                    CmdError::failed(format!("Failed to create vol from {}", c.file), e)
                })?;
            message(format!("Vol {} created from {}", vol.name, c.file))
        }
        Request::VolCreateAs(c) => create_as(conn, c),
        Request::VolClone(c) => {
            if c.reflink {
                return Err(CmdError::message(
                    "option --reflink is not supported by virtsh yet",
                ));
            }
            let source = lookup::volume(conn, cmd, &c.vol, c.pool.as_deref())?;
            let pool = conn.pool_by_name(&source.pool)?;
            let mut def = VolumeDef::parse(&conn.vol_xml(&source)?)
                .map_err(|e| CmdError::Driver(Error::xml(e)))?;
            def.name = Name::new(&c.newname).map_err(|e| CmdError::message(e.to_string()))?;
            let xml = def.to_request_xml();
            if c.print_xml {
                return Ok(Outcome::Xml(xml));
            }
            let bar = Progress::fraction();
            let cloned = conn.clone_volume(
                &pool,
                &xml,
                &source,
                prealloc(c.prealloc_metadata),
                &|d, t| bar.set(d, t),
            );
            bar.finish();
            cloned.map_err(|e| {
                CmdError::failed(format!("Failed to clone vol from {}", source.name), e)
            })?;
            message(format!("Vol {} cloned from {}", c.newname, source.name))
        }
        Request::VolDelete(d) => {
            if d.delete_snapshots {
                return Err(CmdError::message(
                    "option --delete-snapshots is not supported by virtsh yet",
                ));
            }
            let vol = lookup::volume(conn, cmd, &d.vol, d.pool.as_deref())?;
            conn.delete_volume(&vol)
                .map_err(|e| CmdError::failed(format!("Failed to delete vol {}", d.vol), e))?;
            message(format!("Vol {} deleted", d.vol))
        }
        Request::VolInfo(i) => {
            if i.physical {
                return Err(CmdError::message(
                    "option --physical is not supported by virtsh yet",
                ));
            }
            let vol = lookup::volume(conn, cmd, &i.vol, i.pool.as_deref())?;
            let info = conn.vol_info(&vol)?;
            Ok(Outcome::VolInfo(VolInfoView {
                name: vol.name,
                kind: VolTypeName(info.kind),
                capacity: info.capacity,
                allocation: info.allocation,
                bytes: i.bytes,
            }))
        }
        Request::VolDumpxml(d) => {
            if d.xpath.is_some() {
                return Err(CmdError::message(
                    "option --xpath is not supported by virtsh yet",
                ));
            }
            let vol = lookup::volume(conn, cmd, &d.vol, d.pool.as_deref())?;
            Ok(Outcome::Xml(conn.vol_xml(&vol)?))
        }
        Request::VolPath(p) => {
            let vol = lookup::volume(conn, cmd, &p.vol, p.pool.as_deref())?;
            Ok(Outcome::Value(conn.vol_path(&vol)?))
        }
        Request::VolKey(k) => Ok(Outcome::Value(
            lookup::volume(conn, cmd, &k.vol, k.pool.as_deref())?.key,
        )),
        Request::VolName(n) => {
            let vol = conn
                .vol_by_key(&n.vol)
                .or_else(|_| conn.vol_by_path(&n.vol))
                .map_err(|e| CmdError::failed(format!("failed to get vol '{}'", n.vol), e))?;
            Ok(Outcome::Value(vol.name))
        }
        Request::VolResize(r) => resize(conn, r),
        Request::VolCreateFrom(c) => {
            refuse_reflink(c.reflink)?;
            let pool = lookup::pool(conn, cmd, &c.pool)?;
            let xml = read_file(&c.file)?;
            let source = lookup::volume(conn, cmd, &c.vol, c.inputpool.as_deref())?;
            let bar = Progress::fraction();
            let vol = conn
                .clone_volume(
                    &pool,
                    &xml,
                    &source,
                    prealloc(c.prealloc_metadata),
                    &|d, t| bar.set(d, t),
                )
                .map_err(|e| CmdError::failed(format!("Failed to create vol from {}", c.file), e));
            bar.finish();
            let vol = vol?;
            message(format!(
                "Vol {} created from input vol {}",
                vol.name, source.name
            ))
        }
        Request::VolDownload(d) => {
            let vol = lookup::volume(conn, cmd, &d.vol, d.pool.as_deref())?;
            let offset = d.offset.unwrap_or(0);
            let total = conn
                .vol_info(&vol)
                .map(|i| i.capacity.saturating_sub(offset))
                .unwrap_or(0);
            let total = d.length.filter(|l| *l > 0).map_or(total, |l| l.min(total));
            let mut reader = conn.download_volume(&vol, offset, d.length.unwrap_or(0))?;
            let mut file = std::fs::File::create(&d.file).map_err(|e| {
                CmdError::Driver(Error::system(format!("cannot create {}", d.file), &e))
            })?;
            copy(&mut reader, &mut file, d.sparse, total).map_err(|e| {
                CmdError::failed(format!("cannot receive data from volume {}", d.vol), e)
            })?;
            Ok(Outcome::Nothing)
        }
        Request::VolUpload(u) => {
            let vol = lookup::volume(conn, cmd, &u.vol, u.pool.as_deref())?;
            let file = std::fs::File::open(&u.file).map_err(|e| {
                CmdError::Driver(Error::system(format!("cannot read {}", u.file), &e))
            })?;
            let size = file.metadata().map(|m| m.len()).unwrap_or(0);
            let total = u.length.filter(|l| *l > 0).map_or(size, |l| l.min(size));
            let mut reader = std::io::Read::take(file, total);
            let mut sink = conn.upload_volume(&vol, u.offset.unwrap_or(0))?;
            copy(&mut reader, &mut sink, u.sparse, total)
                .and_then(|_| sink.finish())
                .map_err(|e| {
                    CmdError::failed(format!("cannot send data to volume {}", u.vol), e)
                })?;
            Ok(Outcome::Nothing)
        }
        Request::VolWipe(w) => {
            let algorithm = match &w.algorithm {
                None => 0,
                Some(a) => wipe_algorithm(a)
                    .ok_or_else(|| CmdError::message(format!("Unsupported algorithm '{a}'")))?,
            };
            let vol = lookup::volume(conn, cmd, &w.vol, w.pool.as_deref())?;
            let bar = Progress::bytes(0);
            let wiped = conn.wipe_volume(&vol, algorithm, &|d, t| bar.set(d, t));
            bar.finish();
            wiped.map_err(|e| CmdError::failed(format!("Failed to wipe vol {}", w.vol), e))?;
            message(format!("Vol {} wiped", w.vol))
        }
        other => unreachable!("{} is not a volume command", other.name()),
    }
}

fn refuse_reflink(reflink: bool) -> Result<(), CmdError> {
    if reflink {
        return Err(CmdError::message(
            "option --reflink is not supported by virtsh yet",
        ));
    }
    Ok(())
}

/// Copies `total` bytes with a progress bar on a terminal; with `sparse`, runs of zeros are
/// skipped by seeking, so holes stay holes.
fn copy<W: std::io::Write + std::io::Seek + ?Sized>(
    reader: &mut dyn std::io::Read,
    writer: &mut W,
    sparse: bool,
    total: u64,
) -> crate::driver::Result<()> {
    let progress = Progress::bytes(total);
    let mut buf = vec![0u8; 1 << 20];
    let mut end = writer
        .stream_position()
        .map_err(|e| Error::system("cannot seek", &e))?;
    loop {
        let n = reader
            .read(&mut buf)
            .map_err(|e| Error::system("cannot read", &e))?;
        if n == 0 {
            break;
        }
        if sparse && buf[..n].iter().all(|b| *b == 0) {
            writer
                .seek(std::io::SeekFrom::Current(n as i64))
                .map_err(|e| Error::system("cannot seek", &e))?;
        } else {
            writer
                .write_all(&buf[..n])
                .map_err(|e| Error::system("cannot write", &e))?;
        }
        end += n as u64;
        progress.advance(n as u64);
    }
    // A hole at the end still counts toward the length.
    let here = writer
        .seek(std::io::SeekFrom::End(0))
        .map_err(|e| Error::system("cannot seek", &e))?;
    if here < end {
        writer
            .seek(std::io::SeekFrom::Start(end - 1))
            .map_err(|e| Error::system("cannot seek", &e))?;
        writer
            .write_all(&[0])
            .map_err(|e| Error::system("cannot write", &e))?;
    }
    progress.finish();
    Ok(())
}

fn message(text: String) -> Result<Outcome, CmdError> {
    Ok(Outcome::Message(text))
}

fn prealloc(on: bool) -> VolCreateFlags {
    if on {
        VolCreateFlags::PREALLOC_METADATA
    } else {
        VolCreateFlags::default()
    }
}

/// virsh's `vshVolSize`: a scaled size in bytes, or `Malformed size` with libvirt's reason.
fn vol_size(text: &str) -> Result<u64, CmdError> {
    parse_scaled(text, 1).map_err(|e| match e {
        ScaleError::Malformed(_) => CmdError::message(format!("Malformed size {text}")),
        other => CmdError::failed(format!("Malformed size {text}"), Error::invalid_arg(other)),
    })
}

/// libvirt's `virStorageVolWipeAlgorithm` numbers.
fn wipe_algorithm(name: &str) -> Option<u32> {
    req::WIPE_ALGORITHMS
        .iter()
        .position(|n| *n == name)
        .map(|i| i as u32)
}

fn create_as(conn: &dyn Hypervisor, c: &req::VolCreateAs) -> Result<Outcome, CmdError> {
    let cmd = "vol-create-as";
    if c.backing_vol.is_some() || c.backing_vol_format.is_some() {
        return Err(CmdError::message(
            "option --backing-vol is not supported by virtsh yet",
        ));
    }
    let pool = lookup::pool(conn, cmd, &c.pool)?;
    let capacity = vol_size(&c.capacity)?;
    let allocation = c.allocation.as_deref().map(vol_size).transpose()?;
    let def = VolumeDef {
        name: Name::new(&c.name).map_err(|e| CmdError::message(e.to_string()))?,
        capacity,
        allocation,
        format: c.format.clone(),
    };
    let xml = def.to_request_xml();
    if c.print_xml {
        return Ok(Outcome::Xml(xml));
    }
    conn.create_volume(&pool, &xml, prealloc(c.prealloc_metadata))
        .map_err(|e| CmdError::failed(format!("Failed to create vol {}", c.name), e))?;
    message(format!("Vol {} created", c.name))
}

fn resize(conn: &dyn Hypervisor, r: &req::VolResize) -> Result<Outcome, CmdError> {
    let cmd = "vol-resize";
    let mut flags = ResizeFlags::default();
    if r.allocate {
        flags |= ResizeFlags::ALLOCATE;
    }
    if r.delta {
        flags |= ResizeFlags::DELTA;
    }
    if r.shrink {
        flags |= ResizeFlags::SHRINK;
    }
    let size_text = match r.capacity.strip_prefix('-') {
        Some(rest) => {
            if !r.shrink {
                return Err(CmdError::message("negative size requires --shrink"));
            }
            flags |= ResizeFlags::DELTA;
            rest
        }
        None => r.capacity.as_str(),
    };
    let capacity = vol_size(size_text)?;
    let vol: VolRef = lookup::volume(conn, cmd, &r.vol, r.pool.as_deref())?;
    conn.resize_volume(&vol, capacity, flags).map_err(|e| {
        CmdError::failed(
            format!(
                "Failed to change size of volume '{}' to {}",
                r.vol, r.capacity
            ),
            e,
        )
    })?;
    message(format!(
        "Size of volume '{}' successfully changed to {}",
        r.vol, r.capacity
    ))
}

fn list(conn: &dyn Hypervisor, l: &req::VolList) -> Result<Outcome, CmdError> {
    let cmd = "vol-list";
    let pool = lookup::pool(conn, cmd, &l.pool)?;
    let mut vols = conn
        .list_volumes(&pool)
        .map_err(|e| CmdError::failed("Failed to list volumes", e))?;
    vols.sort_by(|a, b| a.name.cmp(&b.name));
    let mut rows = Vec::with_capacity(vols.len());
    for vol in vols {
        let path = conn.vol_path(&vol)?;
        let info = if l.details {
            conn.vol_info(&vol).ok()
        } else {
            None
        };
        rows.push(VolRow {
            name: vol.name,
            path,
            kind: info.map(|i| VolTypeName(i.kind)),
            capacity: info.map(|i| i.capacity),
            allocation: info.map(|i| i.allocation),
        });
    }
    Ok(Outcome::VolList(VolList {
        rows,
        details: l.details,
    }))
}
