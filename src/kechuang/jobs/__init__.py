"""Background jobs (后台任务): long work run by `kechuang worker` on Django's task framework, with
progress, cancellation, a lock per kind of data, and the result or the full error report kept."""
