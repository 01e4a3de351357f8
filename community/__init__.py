"""The community: loyalty points, rewards and linking Discord accounts to loyalty members."""
