import { describeParity } from '../../../../test/support/model-parity.ts'
import { gr4j } from './run.ts'

describeParity(gr4j, 'gr4j_L0123001_example', 20)
describeParity(gr4j, 'gr4j_L0123001_calib_nse', 20)
describeParity(gr4j, 'gr4j_L0123001_calib_kge', 20)
