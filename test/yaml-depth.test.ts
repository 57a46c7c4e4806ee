/**
 * Every yaml parse of a workspace file is guarded by `yamlTooDeep` (formats/compose/syntax.ts):
 * yaml recurses per nesting level, and an overflow near 1,000 levels can abort the process.
 */
import * as assert from 'node:assert/strict';
import { yamlTooDeep } from '../server/src/core/formats/compose/syntax';
import { composeMentions } from '../server/src/core/index/deployments/mentions';
import { composeEnvEdit } from '../server/src/core/features/edits/ice';

describe('yaml nesting depth guard outside compose extraction', () => {
  const deep = 'services:\n  a:\n    build: ' + '['.repeat(20_000) + '\n';

  it('path mentions and the ICE override edit refuse a file nested past the bound', () => {
    assert.ok(yamlTooDeep(deep));
    assert.deepEqual(composeMentions(deep), []);
    assert.equal(composeEnvEdit('/ws/docker-compose.yml', deep, 'a', 'RTCD_RTC_ICEHOSTPORTOVERRIDE', '9443'), undefined);
  });

  it('near miss: an ordinary compose file is read', () => {
    const plain = 'services:\n  rtcd:\n    image: mattermost/rtcd\n    build: ./rtcd\n    environment:\n      RTCD_LOGGER_ENABLEFILE: "false"\n';
    assert.equal(yamlTooDeep(plain), undefined);
    assert.ok(composeMentions(plain).some((m) => m.word === './rtcd'));
    const edit = composeEnvEdit('/ws/docker-compose.yml', plain, 'rtcd', 'RTCD_RTC_ICEHOSTPORTOVERRIDE', '9443');
    assert.ok(edit && edit.newText.includes('RTCD_RTC_ICEHOSTPORTOVERRIDE'));
  });
});
