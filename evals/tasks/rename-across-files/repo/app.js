const { getUserName } = require('./users');

const users = [
  { first: 'Ada', last: 'Lovelace' },
  { first: 'Alan', last: 'Turing', nickname: 'alan' },
];

for (const user of users) {
  console.log(getUserName(user));
}
