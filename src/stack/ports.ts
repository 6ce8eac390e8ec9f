import net from 'node:net';

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

export async function assertPortFree(port: number, service: string, variable: string) {
  if (!(await isPortFree(port))) {
    throw new Error(
      `Port ${port} for ${service} is busy with a process the stack did not start: stop it, or set ${variable} to a free port.`,
    );
  }
}
