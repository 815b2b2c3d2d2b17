import { mountPage } from '../../components/mount-page';
import { OptionsApp } from './OptionsApp';
import '../popup/style.css';
import './style.css';

mountPage({ name: 'options', title: 'optionsTitle', part: 'partOptions', app: () => <OptionsApp /> });
