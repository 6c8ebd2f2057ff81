// Starts telegram-test-api (the Telegram Bot API emulator) on 127.0.0.1 and the port given as
// the first argument, and says "ready" on stdout once it listens. Stopped by a signal.
'use strict';
const TelegramServer = require('telegram-test-api');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node emulator.js <port>');
  process.exit(2);
}
const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 3600 });
server.start().then(() => {
  console.log(`ready ${port}`);
}, (err) => {
  console.error(`emulator did not start: ${err}`);
  process.exit(1);
});
const stop = () => server.stop().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
