Subject: <?cs var:Lang.Account.Mail.DeletedSubject ?> <?cs var:Shop.Name ?>
<?cs var:Mail.Hello ?>

<?cs var:Lang.Account.Mail.DeletedText ?>

<?cs var:Lang.Account.Mail.DeletedWho ?> <?cs if:Mail.CustomerName ?><?cs var:Mail.CustomerName ?>, <?cs /if ?><?cs var:Mail.CustomerEmail ?> (<?cs var:Lang.Account.Mail.DeletedNumber ?> <?cs var:Mail.CustomerId ?>)
<?cs var:Lang.Account.Mail.DeletedWhen ?> <?cs var:Mail.When ?>

<?cs var:Lang.Account.Mail.DeletedWhat ?>

<?cs var:Lang.Account.Mail.DeletedWhy ?>

<?cs var:Shop.Name ?>
