//! Checks of this control, one file per check.
