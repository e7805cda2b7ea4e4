// ssh2's connection errors ("connect ECONNREFUSED 127.0.0.1:2222", "All configured
// authentication methods failed") turned into what failed and what to check, for the
// operator at 3 a.m. The caller adds the target and "nothing was run".

export interface ConnectErrorContext {
  host: string;
  port: number;
  user: string;
  readyTimeoutMs: number;
}

export function describeConnectError(
  error: Error & { level?: string; code?: string },
  { host, port, user, readyTimeoutMs }: ConnectErrorContext,
): string {
  const at = `${host}:${port}`;
  switch (error.code) {
    case 'ECONNREFUSED':
      return `connection refused on ${at}; check that sshd runs on the host and listens on port ${port}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NODATA':
      return (
        `the host name "${host}" could not be resolved (${error.code}); ` +
        'check its spelling in handrail.yml and your DNS or VPN'
      );
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return `${at} cannot be reached (${error.code}); check that the host is up and your network or VPN reaches it`;
    case 'ECONNRESET':
      return (
        `${at} reset the connection during the handshake; ` +
        `check that port ${port} is an SSH server and that no firewall cuts in`
      );
  }
  if (error.level === 'client-authentication') {
    return (
      `${at} refused the login as "${user}" (${error.message}); check the user name and that the key's ` +
      `public half is in ~${user}/.ssh/authorized_keys on the host`
    );
  }
  if (error.level === 'client-timeout') {
    return (
      `no SSH handshake and login from ${at} within ${readyTimeoutMs} ms; check that the host is up, ` +
      'that the port belongs to an SSH server, and that no firewall drops the traffic'
    );
  }
  if (error.message === 'Connection lost before handshake') {
    return (
      `${at} closed the connection before the SSH handshake; ` +
      `check that port ${port} is an SSH server and that its sshd accepts connections from here`
    );
  }
  return `the SSH connection to ${at} failed (${error.message}); check the target's settings in handrail.yml`;
}
