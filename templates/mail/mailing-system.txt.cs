Subject: <?cs var:Mail.Subject ?>
<?cs var:Mail.Text ?>

<?cs var:Shop.Name ?>

-- 
<?cs var:Lang.Mail.SystemWhy ?>
