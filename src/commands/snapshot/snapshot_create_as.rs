//! `snapshot-create-as`: a snapshot from arguments, the XML composed as virsh composes it
//! (`--print-xml` shows it instead).

use virtsh_commands::snapshot::SnapshotCreateAs;

use crate::commands::moments::{
    create_snapshot, diskspec_fields, printed_xml, snapshot_create_flags, spec_words,
};
use crate::commands::prelude::*;
use crate::model::xml::escape;

/// `<memory>` from `[file=]name[,snapshot=type]`: the first `snapshot=`, the first `file=`
/// (or absolute path), nothing else.
fn memspec(spec: &str) -> Result<String, CmdError> {
    let (mut snapshot, mut file) = (None, None);
    for word in spec_words(spec) {
        let word = word.unwrap_or_default();
        if let (None, Some(v)) = (&snapshot, word.strip_prefix("snapshot=")) {
            snapshot = Some(v.to_string());
        } else if let (None, Some(v)) = (&file, word.strip_prefix("file=")) {
            file = Some(v.to_string());
        } else if file.is_none() && word.starts_with('/') {
            file = Some(word);
        } else {
            return Err(CmdError::message(format!(
                "unable to parse memspec: {spec}"
            )));
        }
    }
    let attr = |name: &str, v: &Option<String>| {
        v.as_deref()
            .map_or(String::new(), |v| format!(" {name}='{}'", escape(v)))
    };
    Ok(format!(
        "  <memory{}{}/>\n",
        attr("snapshot", &snapshot),
        attr("file", &file)
    ))
}

/// `<disk>` from `disk[,snapshot=type][,driver=type][,stype=type][,file=name]`; virsh puts
/// the `snapshot`, `driver` and `stype` words in as they are, unescaped.
fn diskspec(spec: &str) -> Result<String, CmdError> {
    let unparsable = || format!("unable to parse diskspec: {spec}");
    let (name, [snapshot, driver, stype, file]) =
        diskspec_fields(spec, ["snapshot=", "driver=", "stype=", "file="])?;
    let mut out = String::from("    ");
    if let Some(n) = &name {
        out.push_str(&format!("<disk name='{}'", escape(n)));
    }
    if let Some(s) = &snapshot {
        out.push_str(&format!(" snapshot='{s}'"));
    }
    let mut block = false;
    if let Some(t) = &stype {
        match t.as_str() {
            "block" => block = true,
            "file" => {}
            other => {
                return Err(CmdError::Messages(vec![
                    format!("Unknown storage type: '{other}'"),
                    unparsable(),
                ]))
            }
        }
        out.push_str(&format!(" type='{t}'"));
    }
    if driver.is_none() && file.is_none() {
        out.push_str("/>\n");
        return Ok(out);
    }
    out.push_str(">\n");
    if let Some(d) = &driver {
        out.push_str(&format!("      <driver type='{d}'/>\n"));
    }
    if let Some(f) = &file {
        let attr = if block { "dev" } else { "file" };
        out.push_str(&format!("      <source {attr}='{}'/>\n", escape(f)));
    }
    out.push_str("    </disk>\n");
    Ok(out)
}

impl Run for SnapshotCreateAs {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let flags = snapshot_create_flags(&self.opts);
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let mut xml = String::from("<domainsnapshot>\n");
        if let Some(n) = &self.name {
            xml.push_str(&format!("  <name>{}</name>\n", escape(n)));
        }
        if let Some(d) = &self.description {
            xml.push_str(&format!("  <description>{}</description>\n", escape(d)));
        }
        if let Some(m) = &self.memspec {
            xml.push_str(&memspec(m)?);
        }
        if !self.diskspec.is_empty() {
            xml.push_str("  <disks>\n");
            for d in &self.diskspec {
                xml.push_str(&diskspec(d)?);
            }
            xml.push_str("  </disks>\n");
        }
        xml.push_str("</domainsnapshot>\n");
        if self.print_xml {
            return Ok(printed_xml(xml));
        }
        create_snapshot(&conn, &dom, &xml, flags, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_compose_as_virsh() {
        assert_eq!(
            memspec("/tmp/m,snapshot=external").unwrap(),
            "  <memory snapshot='external' file='/tmp/m'/>\n"
        );
        assert!(memspec("file=/a,file=/b").is_err());
        assert_eq!(diskspec("").unwrap(), "    />\n");
        assert_eq!(
            diskspec("vda,,file=/x,,y").unwrap(),
            "    <disk name='vda,file=/x,y'/>\n"
        );
        assert_eq!(
            diskspec("vda,stype=block,file=/dev/sdb").unwrap(),
            "    <disk name='vda' type='block'>\n      <source dev='/dev/sdb'/>\n    </disk>\n"
        );
        assert_eq!(
            diskspec("vda,stype=network").unwrap_err().lines(),
            [
                "Unknown storage type: 'network'",
                "unable to parse diskspec: vda,stype=network"
            ]
        );
    }
}
