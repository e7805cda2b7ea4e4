// Never edit this file once released; see 0001-runs.ts.
//
// A step that runs over SSH has its process group on the host, not here: the wrapper reports
// it before the step starts (remote-command.ts), and it is recorded with the login it was
// reached by (`deploy@db-1:22`) and the host's boot id, so a resume after Handrail died can
// connect again, find that group still running (the network was cut, so sshd never saw the
// channel close and its watchdog never fired) and refuse or stop it. `pid` then holds the
// remote group's id and `start_ticks` its leader's start time on that host. Both new columns
// are NULL for a local step; boot_id is NULL where the host has no /proc.

export const name = '0012-remote-step-processes';

export const sql = `
ALTER TABLE step_processes ADD COLUMN ssh_login TEXT;
ALTER TABLE step_processes ADD COLUMN boot_id TEXT;
`;
