// How a user is shown in the interface.
function getUserName(user) {
  return user.nickname || `${user.first} ${user.last}`;
}

module.exports = { getUserName };
