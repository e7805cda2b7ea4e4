// Entry point. The page runs under a strict CSP (no eval), so zod is told not to compile
// schemas with `new Function`, before any schema loads: through zod's core alone, which
// does not bring the schemas into the first bundle.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { config as zodConfig } from 'zod/v4/core';
import { TransportProvider } from './api/api-context.js';
import { pickTransport } from './api/pick-transport.js';
import { App } from './app.js';
import './styles.css';

zodConfig({ jitless: true });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <TransportProvider transport={pickTransport()}>
      <App />
    </TransportProvider>
  </StrictMode>,
);
