//! `checkpoint-create-as`: a checkpoint from arguments, the XML composed as virsh composes
//! it (`--print-xml` shows it instead).

use virtsh_commands::checkpoint::CheckpointCreateAs;

use crate::commands::moments::{created, diskspec_fields, printed_xml};
use crate::commands::prelude::*;
use crate::model::xml::escape;

/// `<disk>` from `disk[,checkpoint=type][,bitmap=name]`; virsh puts the `checkpoint` and
/// `bitmap` words in as they are, unescaped.
fn diskspec(spec: &str) -> Result<String, CmdError> {
    let (name, [checkpoint, bitmap]) = diskspec_fields(spec, ["checkpoint=", "bitmap="])?;
    let mut out = String::from("    ");
    if let Some(n) = &name {
        out.push_str(&format!("<disk name='{}'", escape(n)));
    }
    if let Some(c) = &checkpoint {
        out.push_str(&format!(" checkpoint='{c}'"));
    }
    if let Some(b) = &bitmap {
        out.push_str(&format!(" bitmap='{b}'"));
    }
    out.push_str("/>\n");
    Ok(out)
}

impl Run for CheckpointCreateAs {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let flags =
            CheckpointCreateFlags::from_options([(self.quiesce, CheckpointCreateFlags::QUIESCE)]);
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let mut xml = String::from("<domaincheckpoint>\n");
        if let Some(n) = &self.name {
            xml.push_str(&format!("  <name>{}</name>\n", escape(n)));
        }
        if let Some(d) = &self.description {
            xml.push_str(&format!("  <description>{}</description>\n", escape(d)));
        }
        if !self.diskspec.is_empty() {
            xml.push_str("  <disks>\n");
            for d in &self.diskspec {
                xml.push_str(&diskspec(d)?);
            }
            xml.push_str("  </disks>\n");
        }
        xml.push_str("</domaincheckpoint>\n");
        if self.print_xml {
            return Ok(printed_xml(xml));
        }
        let chk = conn.checkpoints().create_checkpoint(&dom, &xml, flags)?;
        Ok(created("checkpoint", &chk.name, None))
    }
}
