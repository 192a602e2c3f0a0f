import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connectWorkstation } from './api/connect';
import { startAlarmFlash } from './clinical/alarm-flash';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

startAlarmFlash();
createRoot(root).render(
  <StrictMode>
    <App client={connectWorkstation()} />
  </StrictMode>,
);
