"""One module per revision; revision ids are simple sequence numbers ("0001", "0002"...)."""
