//! `checkpoint-create-as`: a checkpoint from arguments, the XML composed as virsh composes
//! it (`--print-xml` shows it instead).

use virtsh_commands::checkpoint::CheckpointCreateAs;

use crate::commands::moments::{created, printed_xml, spec_words};
use crate::commands::prelude::*;
use crate::model::xml::escape;

/// `<disk>` from `disk[,checkpoint=type][,bitmap=name]`; virsh puts the `checkpoint` and
/// `bitmap` words in as they are, unescaped.
fn diskspec(spec: &str) -> Result<String, CmdError> {
    let mut words = spec_words(spec).into_iter();
    let name = words.next().flatten();
    let mut keys: [(&str, Option<String>); 2] = [("checkpoint=", None), ("bitmap=", None)];
    for word in words {
        let word = word.unwrap_or_default();
        let slot = keys
            .iter_mut()
            .find(|(key, value)| value.is_none() && word.starts_with(key));
        match slot {
            Some((key, value)) => *value = Some(word[key.len()..].to_string()),
            None => {
                return Err(CmdError::message(format!(
                    "unable to parse diskspec: {spec}"
                )))
            }
        }
    }
    let [(_, checkpoint), (_, bitmap)] = keys;
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
