// The central server's admin page (admin.html, served at /admin by the server).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AdminPage } from './AdminPage';
import '../styles.css';
import './admin.css';

const root = document.getElementById('root');
if (!root) throw new Error('admin.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <AdminPage />
  </StrictMode>,
);
