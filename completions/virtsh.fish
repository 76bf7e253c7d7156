complete --keep-order --exclusive --command virtsh --arguments "(COMPLETE=fish virtsh -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
