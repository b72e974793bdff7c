-- Every query of a loaded snapshot reads its database.
USE snap
