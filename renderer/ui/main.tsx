// Entry point. The page runs under a strict CSP (no eval), so zod is told not to compile
// schemas with `new Function`.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { TransportProvider } from './api/api-context.js';
import { pickTransport } from './api/pick-transport.js';
import { App } from './app.js';
import './styles.css';

z.config({ jitless: true });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <TransportProvider transport={pickTransport()}>
      <App />
    </TransportProvider>
  </StrictMode>,
);
