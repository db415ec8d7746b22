import './base.css';
import './models.css';
import './pipelines.css';
