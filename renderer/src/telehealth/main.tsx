// The remote clinician's viewer page (telehealth.html, served by the central server at
// /telehealth/): one invited patient, read-only, in an ordinary browser on a phone or a laptop.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startAlarmFlash } from '../clinical/alarm-flash';
import { TelehealthPage } from './TelehealthPage';
import '../styles.css';
import './telehealth.css';

const root = document.getElementById('root');
if (!root) throw new Error('telehealth.html has no #root element');

startAlarmFlash();
createRoot(root).render(
  <StrictMode>
    <TelehealthPage />
  </StrictMode>,
);
