//! `pool-build`: build a pool (make its directory).

use virtsh_commands::args::BuildArgs;
use virtsh_commands::pool::PoolBuild;

use crate::commands::pool_as::build_flags;
use crate::commands::prelude::*;

impl Run for PoolBuild {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let flags = build_flags(&BuildArgs {
            build: true,
            overwrite: self.overwrite,
            no_overwrite: self.no_overwrite,
        })?;
        pool_action(
            s,
            Self::NAME,
            &self.target.pool,
            ("build", "built"),
            |st, p| st.build_pool(p, flags),
        )
    }
}
