"""Found items, verification of claimants, returns, lost reports and action points."""
