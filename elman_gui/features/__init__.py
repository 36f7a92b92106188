"""What a student does beyond training: debugging, menus, export, help, welcome."""
