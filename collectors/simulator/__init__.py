"""The offline cloud simulator: local fakes of the cloud management APIs the collectors call."""
