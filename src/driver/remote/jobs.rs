//! Calls that run as a job on the daemon (a save, a managed save, a core dump): they last as
//! long as the job does, and meanwhile, as virsh's job watch does, the daemon is asked every
//! half second on the same connection how far the job is (`virDomainGetJobInfo`); the
//! caller's progress hears it.

use std::time::Duration;

use super::*;
use crate::rpc::xdr::Xdr;

/// How often virsh's job watch asks.
const EVERY: Duration = Duration::from_millis(500);

impl RemoteDriver {
    /// Call `proc_` on `d` and wait for it, telling `progress` what the daemon says of the
    /// job meanwhile. A daemon or driver that keeps no job information says nothing, as for
    /// virsh (which passes over the failed question).
    pub(super) fn job<A: Xdr>(
        &self,
        proc_: i32,
        args: &A,
        d: &DomainRef,
        progress: ProgressFn<'_>,
    ) -> Result<()> {
        let pending = self.client.start(proc_, args)?;
        let mut ask = || {
            let info = self
                .client
                .call::<_, JobInfoRet>(DOMAIN_GET_JOB_INFO, &DomArgs { dom: dom(d) });
            if let Some(i) = info.ok().filter(|i| i.data_total > 0) {
                progress(i.data_total.saturating_sub(i.data_remaining), i.data_total);
            }
        };
        Ok(pending.wait_ticking::<()>(EVERY, &mut ask)?)
    }
}

/// `virTypedParameter`s as the wire carries them.
pub(super) fn wire_params(params: &SaveParams) -> Vec<WireTypedParam> {
    params
        .typed()
        .into_iter()
        .map(|(field, value)| WireTypedParam { field, value })
        .collect()
}
